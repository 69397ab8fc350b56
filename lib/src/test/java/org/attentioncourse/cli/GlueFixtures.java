package org.attentioncourse.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Small GLUE folders in the files' own formats, with sentences written for these tests in the style of the real
 * tasks (SST-2's lower-cased, space-separated movie-review phrases; MRPC's news sentence pairs).
 */
final class GlueFixtures {

  private GlueFixtures() {}

  /** 40 training and 16 dev sentences, half positive (1), half negative (0). */
  static final List<String> SST2_TRAIN = List.of(
      "a gorgeous , witty , seductive movie .\t1",
      "the plot is nothing but boilerplate clichés from start to finish .\t0",
      "it 's a charming and often affecting journey .\t1",
      "the acting is wooden and the dialogue is painfully flat .\t0",
      "one of the most beautifully shot films of the year .\t1",
      "a tedious , overlong mess that never finds its footing .\t0",
      "warm , funny and surprisingly moving .\t1",
      "i kept checking my watch and wishing i were somewhere else .\t0",
      "the performances are uniformly excellent .\t1",
      "a lazy sequel that coasts on the goodwill of the original .\t0",
      "an exhilarating ride that never lets up .\t1",
      "the jokes land with a dull thud .\t0",
      "smart , sharp and full of heart .\t1",
      "badly edited and even worse acted .\t0",
      "a triumph of imagination and craft .\t1",
      "it is as forgettable as it is loud .\t0",
      "the cast has terrific chemistry .\t1",
      "a confused story told without any sense of rhythm .\t0",
      "a delightful surprise from beginning to end .\t1",
      "the film is a chore to sit through .\t0",
      "tender , honest and beautifully acted .\t1",
      "there is not a single believable moment in it .\t0",
      "the director handles the big scenes with real flair .\t1",
      "an ugly , mean-spirited film with nothing to say .\t0",
      "a moving portrait of a family in crisis .\t1",
      "the twist is obvious from the first ten minutes .\t0",
      "funny , clever and never condescending .\t1",
      "a dreary and joyless exercise .\t0",
      "the score is lovely and the images linger .\t1",
      "so slow that it feels twice its length .\t0",
      "a rare comedy that is both silly and wise .\t1",
      "the characters are thin and the stakes are low .\t0",
      "the best thing the studio has made in years .\t1",
      "a muddled thriller with no thrills .\t0",
      "an inventive and generous piece of filmmaking .\t1",
      "the whole thing collapses under its own weight .\t0",
      "a small gem that deserves a wide audience .\t1",
      "loud , crude and utterly charmless .\t0",
      "a joy to watch .\t1",
      "a waste of a talented cast .\t0");

  static final List<String> SST2_DEV = List.of(
      "a lovely , heartfelt film .\t1",
      "dull and pointless .\t0",
      "the writing is sharp and the acting superb .\t1",
      "a clumsy , boring movie .\t0",
      "full of warmth and wit .\t1",
      "the story goes nowhere .\t0",
      "a beautiful and moving experience .\t1",
      "an embarrassing failure on every level .\t0",
      "charming from start to finish .\t1",
      "flat , lifeless and far too long .\t0",
      "one of the funniest films in years .\t1",
      "the dialogue is laughably bad .\t0",
      "a confident and stylish debut .\t1",
      "a tired rehash of better movies .\t0",
      "smart and thoroughly entertaining .\t1",
      "i could not wait for it to end .\t0");

  /** Writes {@code glue/SST-2/train.tsv} and {@code dev.tsv} (header {@code sentence TAB label}). */
  static void sst2(Path glue) throws IOException {
    write(glue.resolve("SST-2/train.tsv"), "sentence\tlabel", SST2_TRAIN);
    write(glue.resolve("SST-2/dev.tsv"), "sentence\tlabel", SST2_DEV);
  }

  /** Writes {@code glue/MRPC/train.tsv} (12 pairs) and {@code dev.tsv} (6 pairs) in MRPC's five columns. */
  static void mrpc(Path glue) throws IOException {
    String header = "Quality\t#1 ID\t#2 ID\t#1 String\t#2 String";
    write(glue.resolve("MRPC/train.tsv"), header, List.of(
        "1\t1001\t1002\tThe company said profits rose 12 percent in the third quarter.\tThird-quarter profit"
            + " climbed 12 percent, the company said.",
        "0\t1003\t1004\tThe mayor will visit the flooded districts on Monday.\tHeavy rain is expected to continue"
            + " through the weekend.",
        "1\t1005\t1006\tShares of the bank fell 3 percent after the announcement.\tThe bank's stock dropped 3"
            + " percent following the news.",
        "0\t1007\t1008\tThe court rejected the appeal on Tuesday.\tLawyers for the defendant plan to file a new"
            + " motion next month.",
        "1\t1009\t1010\tThe spacecraft reached orbit late on Friday.\tLate Friday, the spacecraft entered orbit.",
        "0\t1011\t1012\tThe museum reopened after a two-year renovation.\tTicket prices for the concert rose"
            + " sharply this year.",
        "1\t1013\t1014\tThe minister resigned amid growing criticism.\tFacing mounting criticism, the minister"
            + " stepped down.",
        "0\t1015\t1016\tThe new bridge will cost about 2 billion dollars.\tTraffic on the old bridge was halted"
            + " for repairs.",
        "1\t1017\t1018\tThe study found that the drug reduced symptoms in most patients.\tMost patients saw"
            + " fewer symptoms on the drug, the study found.",
        "0\t1019\t1020\tThe team signed a new coach in the spring.\tThe stadium will host the final in July.",
        "1\t1021\t1022\tThe airline cancelled 200 flights because of the strike.\tBecause of the strike, 200"
            + " flights were cancelled by the airline.",
        "0\t1023\t1024\tThe factory employs about 500 workers.\tThe union called for higher wages and shorter"
            + " hours."));
    write(glue.resolve("MRPC/dev.tsv"), header, List.of(
        "1\t2001\t2002\tThe storm knocked out power to thousands of homes.\tThousands of homes lost power in the"
            + " storm.",
        "0\t2003\t2004\tThe senator introduced the bill last week.\tThe weather is expected to improve by"
            + " Thursday.",
        "1\t2005\t2006\tThe firm agreed to pay a 5 million dollar fine.\tA fine of 5 million dollars was accepted"
            + " by the firm.",
        "0\t2007\t2008\tThe school will close early on Friday.\tThe library added a new reading room.",
        "1\t2009\t2010\tPolice arrested two men in connection with the robbery.\tTwo men were arrested over the"
            + " robbery, police said.",
        "0\t2011\t2012\tThe price of oil rose on Monday.\tThe film opened in theatres across the country."));
  }

  private static void write(Path file, String header, List<String> rows) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, header + "\n" + String.join("\n", rows) + "\n", StandardCharsets.UTF_8);
  }
}
