package org.attentioncourse.data;

/**
 * One piece of text (a sentence) with its class, for sentence-level classification of real text. Nothing here
 * depends on a tokenizer: a probe's encoder turns {@link #text} into token ids itself.
 *
 * @param text the sentence, words separated by single spaces
 * @param label the class, 0 .. (number of classes − 1); {@link TextClassification#labelNames()} names it
 * @param document where the sentence comes from ("chapter 12", "Abraham Lincoln"): the unit that splits
 *     are made of, so that no document has sentences in two splits
 */
public record LabelledText(String text, int label, String document) {

  /** Checks that the text is not blank, the label is not negative and the document is named. */
  public LabelledText {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("text must not be blank");
    }
    if (label < 0) {
      throw new IllegalArgumentException("label must be >= 0, got " + label + " for '" + text + "'");
    }
    if (document == null || document.isBlank()) {
      throw new IllegalArgumentException("document must be named, got '" + document + "' for '" + text + "'");
    }
  }
}
