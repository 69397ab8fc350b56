package org.attentioncourse.encoder;

import ai.djl.ndarray.NDManager;
import java.util.List;

/**
 * One MiniLm for every test class of the JVM (loading it reads 90 MB), in a manager that lives until the JVM
 * exits, and the real sentences the tests share.
 */
final class MiniLmFixture {

  private static NDManager manager;
  private static MiniLm model;

  private MiniLmFixture() {}

  static synchronized MiniLm model() {
    if (model == null) {
      manager = NDManager.newBaseManager();
      model = MiniLm.load(manager);
    }
    return model;
  }

  static synchronized NDManager manager() {
    model();
    return manager;
  }

  /**
   * Real, varied English: the opening of Moby-Dick (1851, public domain) and sentences written for these tests,
   * with punctuation, accents, numbers, symbols, long words, CJK, and odd whitespace.
   */
  static final List<String> SENTENCES =
      List.of(
          "Call me Ishmael.",
          "Some years ago\u2014never mind how long precisely\u2014having little or no money in my purse, and nothing"
              + " particular to interest me on shore, I thought I would sail about a little and see the watery part"
              + " of the world.",
          "It is a way I have of driving off the spleen, and regulating the circulation.",
          "The caf\u00e9 on the corner serves cr\u00e8me br\u00fbl\u00e9e and a decent pi\u00f1a colada.",
          "Na\u00efve r\u00e9sum\u00e9 writers rarely mention their Z\u00fcrich internships.",
          "In 1851, Herman Melville published a 635-page novel; it sold about 3,000 copies.",
          "The temperature dropped to -12.5\u00b0C overnight, 20% colder than forecast.",
          "Antidisestablishmentarianism and floccinaucinihilipilification are famously long words.",
          "Don't you think it's odd that they've left without saying goodbye?",
          "Email me at someone@example.com or visit https://example.org/path?q=1&lang=en.",
          "What?! No way... (seriously) [really] {truly}",
          "The quick brown fox jumps over the lazy dog.",
          "Attention is all you need, they said; it turned out to be mostly true.",
          "She sells sea shells by the sea shore, and the shells she sells are surely sea shells.",
          "A 3.14159 approximation of \u03c0 is good enough for most engineering work.",
          "The committee's decision, announced on 12/03/2024, surprised everyone in the room.",
          "\u00dcber-efficient algorithms don't always win in practice.",
          "\u6771\u4eac is the capital of Japan, and \u5317\u4eac is the capital of China.",
          "Whales, unlike fish, breathe air through a blowhole on the top of their heads.",
          "He paid $45.99 + tax & tip = roughly $60 (give or take).",
          "  Leading and trailing spaces,\ttabs\tand\nnew lines   ",
          "\u201cSmart quotes\u201d and \u2018single ones\u2019 are punctuation too.",
          "The mitochondria is the powerhouse of the cell.",
          "Supercalifragilisticexpialidocious!");
}
