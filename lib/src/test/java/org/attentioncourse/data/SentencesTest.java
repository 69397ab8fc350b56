package org.attentioncourse.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The sentence splitter's rules, one per case, on text written for the test. */
class SentencesTest {

  @Test
  void splitsAtFullStopsQuestionsAndExclamations() {
    assertEquals(List.of("Call me Ishmael.", "Some years ago, I sailed.", "Why?", "Because!"),
        Sentences.split("Call me Ishmael. Some years ago, I sailed. Why? Because!"));
  }

  @Test
  void aLowerCaseContinuationDoesNotStartASentence() {
    assertEquals(List.of("\"Stop!\" he cried, and the boat stopped."),
        Sentences.split("\"Stop!\" he cried, and the boat stopped."));
    assertEquals(List.of("He paused... and then went on."), Sentences.split("He paused... and then went on."));
    assertEquals(List.of("He paused...", "Then he went on."), Sentences.split("He paused... Then he went on."));
  }

  @Test
  void closingQuotesAndBracketsStayWithTheirSentence() {
    assertEquals(List.of("He said, \"Go now.\"", "She went (slowly.)", "'Who are you?'", "[A note.]", "Done."),
        Sentences.split("He said, \"Go now.\" She went (slowly.) 'Who are you?' [A note.] Done."));
  }

  @Test
  void abbreviationsAndInitialsDoNotEndSentences() {
    assertEquals(List.of("Dr. Smith met Mrs. Jones and Capt. Peleg at St. Paul's."),
        Sentences.split("Dr. Smith met Mrs. Jones and Capt. Peleg at St. Paul's."));
    assertEquals(List.of("J. Q. Adams wrote to the U.S. Senate.", "It agreed."),
        Sentences.split("J. Q. Adams wrote to the U.S. Senate. It agreed."));
    assertEquals(List.of("See No. 5 and the report of Dec. 1 on p. 62 of vol. 3.", "It is long."),
        Sentences.split("See No. 5 and the report of Dec. 1 on p. 62 of vol. 3. It is long."));
  }

  @Test
  void wordsThatAreAbbreviationsOnlyBeforeNumbersEndSentencesOtherwise() {
    assertEquals(List.of("He said no.", "Then he left."), Sentences.split("He said no. Then he left."));
    assertEquals(List.of("So did I.", "Then we left."), Sentences.split("So did I. Then we left."));
    assertEquals(List.of("The grade was an A.", "Good."), Sentences.split("The grade was an A. Good."));
  }

  @Test
  void aSentenceMayStartWithADigitOrAnOpeningQuote() {
    assertEquals(List.of("It ended.", "1851 was the year.", "\"Aye,\" said he."),
        Sentences.split("It ended. 1851 was the year. \"Aye,\" said he."));
  }

  @Test
  void paragraphBreaksAlwaysEndSentencesAndLineBreaksInsideAParagraphDoNot() {
    String text = "  First line\nwraps   here.\n\n \nSecond paragraph without a period\n\nThird.\r\n";
    assertEquals(List.of("First line wraps here.", "Second paragraph without a period", "Third."),
        Sentences.split(text));
    assertEquals(List.of("First line\nwraps   here.", "Second paragraph without a period", "Third."),
        Sentences.paragraphs(text));
    assertTrue(Sentences.split(" \n\n ").isEmpty());
  }

  @Test
  void wordsAreWhitespaceSeparatedWithPunctuationAttached() {
    assertEquals(List.of("\"Ahab,\"", "said", "he—the", "captain."), Sentences.words(" \"Ahab,\"  said\the—the captain. "));
    assertEquals(4, Sentences.wordCount("\"Ahab,\" said he—the captain."));
    assertEquals(0, Sentences.wordCount("   "));
  }
}
