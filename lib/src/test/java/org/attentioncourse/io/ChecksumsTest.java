package org.attentioncourse.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChecksumsTest {

  // FIPS 180-2 test vector: SHA-256("abc")
  static final String ABC = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void matchesTheStandardTestVectorForBytesAndFiles(@TempDir Path dir) throws Exception {
    assertEquals(ABC, Checksums.sha256("abc".getBytes(StandardCharsets.US_ASCII)));
    Path f = Files.writeString(dir.resolve("abc.txt"), "abc");
    assertEquals(ABC, Checksums.sha256(f));
  }

  @Test
  void aMismatchNamesTheThingAndBothChecksums() {
    String other = "0".repeat(64);
    var e = assertThrows(ChecksumMismatchException.class,
        () -> Checksums.verify("thing.tgz", other, ABC, "Nothing was written."));
    assertTrue(e.getMessage().contains("thing.tgz") && e.getMessage().contains(other)
        && e.getMessage().contains(ABC) && e.getMessage().contains("Nothing was written"), e.getMessage());
    assertEquals(other, e.expected());
    assertEquals(ABC, e.actual());
    Checksums.verify("same, any case", ABC.toUpperCase(), ABC, ""); // no exception
  }

  @Test
  void onlyRealSha256ValuesAreAccepted() {
    assertEquals(ABC, Checksums.requireSha256(" " + ABC.toUpperCase() + "\n", "x"));
    for (String bad : new String[] {null, "", "abc", ABC.substring(1), ABC + "0", ABC.replace('a', 'g')}) {
      var e = assertThrows(IllegalArgumentException.class, () -> Checksums.requireSha256(bad, "enwik8.zip"));
      assertTrue(e.getMessage().contains("enwik8.zip") && e.getMessage().contains("64 hex"), e.getMessage());
    }
  }
}
