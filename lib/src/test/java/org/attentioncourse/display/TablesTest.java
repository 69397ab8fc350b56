package org.attentioncourse.display;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

class TablesTest {

  static Table results(int rows) {
    Table t = Table.create("Results <v1>");
    StringColumn name = StringColumn.create("mechanism");
    IntColumn params = IntColumn.create("parameters");
    DoubleColumn acc = DoubleColumn.create("accuracy");
    for (int i = 0; i < rows; i++) {
      name.append(i == 0 ? "<script>x</script>" : "m" + i);
      params.append(1000 + i);
      acc.append(i / (double) rows);
    }
    return t.addColumns(name, params, acc);
  }

  @Test
  void htmlIsARealTableWithEscapedText() {
    MimeBundle b = Tables.bundle(results(3), 40);
    assertTrue(b.html().contains("<table"), b.html());
    assertTrue(b.html().contains("<th>mechanism</th>") || b.html().contains(">mechanism<"), b.html());
    assertFalse(b.html().contains("<script>"), "cell text must be escaped: " + b.html());
    assertTrue(b.html().contains("Results &lt;v1&gt;"), b.html());
    assertTrue(b.text().contains("parameters"), b.text());
    assertTrue(b.html().contains("3 rows × 3 columns"), b.html());
    assertEquals("results-v1", b.name());
  }

  @Test
  void longTablesShowHeadAndTail() {
    MimeBundle b = Tables.bundle(results(100), 10);
    assertTrue(b.html().contains("showing rows 1-5 and 96-100 of 100"), b.html());
    assertTrue(b.text().contains("m99") && b.text().contains("m4") && !b.text().contains("m50"), b.text());
    assertThrows(IllegalArgumentException.class, () -> Tables.bundle(results(3), 1));
  }
}
