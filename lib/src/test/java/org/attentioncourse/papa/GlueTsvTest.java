package org.attentioncourse.papa;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The readers on hand-written fixtures in GLUE's column layout (src/test/resources/papa/glue). */
class GlueTsvTest {

  @TempDir Path dir;

  private static Path fixture(String name) throws Exception {
    return Path.of(GlueTsvTest.class.getResource("/papa/glue/" + name).toURI());
  }

  @Test
  void sst2TrainAndTest() throws Exception {
    List<GlueTsv.Row> train = GlueTsv.sst2(fixture("sst2-train.tsv"));
    assertEquals(3, train.size());
    assertEquals("a warm , funny little film about two stubborn neighbours ", train.get(0).text());
    assertEquals(1, train.get(0).label());
    assertEquals(0, train.get(2).label());
    assertTrue(train.get(2).text().contains("\"twist\""), "quotes are ordinary characters");
    assertNull(train.get(0).textB());
    List<GlueTsv.Row> test = GlueTsv.sst2(fixture("sst2-test.tsv"));
    assertEquals(2, test.size());
    assertEquals(-1, test.get(1).label());
    assertEquals("1", test.get(1).id());
  }

  @Test
  void colaTrainHasNoHeaderAndTestHasOne() throws Exception {
    List<GlueTsv.Row> train = GlueTsv.cola(fixture("cola-train.tsv"));
    assertEquals(3, train.size());
    assertEquals(0, train.get(1).label());
    assertEquals("The cat climbed tree the.", train.get(1).text());
    assertTrue(train.get(2).text().contains(","), "commas stay inside the sentence");
    List<GlueTsv.Row> test = GlueTsv.cola(fixture("cola-test.tsv"));
    assertEquals(2, test.size());
    assertEquals(-1, test.get(0).label());
  }

  @Test
  void mrpcPairs() throws Exception {
    List<GlueTsv.Row> train = GlueTsv.mrpc(fixture("mrpc-train.tsv"));
    assertEquals(2, train.size());
    assertEquals(1, train.get(0).label());
    assertEquals("100001/100002", train.get(0).id());
    assertTrue(train.get(0).textB().startsWith("On Tuesday"));
    List<GlueTsv.Row> test = GlueTsv.mrpc(fixture("mrpc-test.tsv"));
    assertEquals(1, test.size());
    assertEquals(-1, test.get(0).label());
    assertEquals("The museum does not reopen before March .", test.get(0).textB());
  }

  @Test
  void malformedFilesAreRejectedNamingFileAndLine() throws Exception {
    check(GlueTsv::sst2, "sentence\tlabel\ngood\t1\nbad line without a tab\n", ":3:", "2 tab-separated columns");
    check(GlueTsv::sst2, "sentence\tlabel\ngood\t2\n", ":2:", "0 or 1");
    check(GlueTsv::sst2, "text\tlabel\ngood\t1\n", ":1:", "header");
    check(GlueTsv::sst2, "", ":1:", "empty");
    check(GlueTsv::cola, "ab01\t1\t\tFine.\nab01\tx\t\tBad label.\n", ":2:", "0 or 1");
    check(GlueTsv::cola, "ab01\t1\t\tFine.\nab01\t1\tFine too.\n", ":2:", "4 tab-separated columns");
    check(GlueTsv::cola, "ab01\t1\tok\tFine.\n", ":1:", "acceptability mark");
    check(GlueTsv::mrpc, "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA .\t\n", ":2:", "#2 String");
    check(GlueTsv::mrpc, "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String\n1\t1\t2\tA .\tB .\n\n0\t3\t4\tC .\tD .\n",
        ":3:", "empty line");
    var missing = assertThrows(IllegalArgumentException.class, () -> GlueTsv.sst2(dir.resolve("nope.tsv")));
    assertTrue(missing.getMessage().contains("nope.tsv"), missing.getMessage());
  }

  private void check(Function<Path, List<GlueTsv.Row>> reader, String content, String line, String words)
      throws Exception {
    Path f = dir.resolve("broken.tsv");
    Files.writeString(f, content);
    var e = assertThrows(IllegalArgumentException.class, () -> reader.apply(f), content);
    assertTrue(e.getMessage().startsWith(f + line) && e.getMessage().contains(words),
        "expected '" + f + line + " … " + words + "' but got: " + e.getMessage());
  }
}
