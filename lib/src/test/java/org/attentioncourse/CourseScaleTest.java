package org.attentioncourse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CourseScaleTest {

  @AfterEach
  void clear() {
    System.clearProperty(CourseScale.PROPERTY);
  }

  @Test
  void propertyPicksTheScale() {
    System.setProperty(CourseScale.PROPERTY, "CI");
    assertEquals(CourseScale.CI, CourseScale.current());
    assertEquals(5, CourseScale.current().pick(5, 50, 500));
    System.setProperty(CourseScale.PROPERTY, " full ");
    assertEquals(500, CourseScale.current().pick(5, 50, 500));
    assertEquals(0.5, CourseScale.DEFAULT.pick(0.1, 0.5, 1.0));
  }

  @Test
  void unknownValuesNameTheSourceAndTheChoices() {
    System.setProperty(CourseScale.PROPERTY, "huge");
    var e = assertThrows(IllegalArgumentException.class, CourseScale::current);
    assertTrue(e.getMessage().contains("course.scale is 'huge'"), e.getMessage());
    assertTrue(e.getMessage().contains("ci, default, full"), e.getMessage());
  }
}
