package org.attentioncourse.encoder;

import java.util.Arrays;
import java.util.List;

/**
 * One tokenized input: the word pieces with the special tokens around them, their vocabulary ids, and the
 * segment (token type) of each: 0 for the first sentence and its [CLS]/[SEP], 1 for a second sentence and its
 * closing [SEP].
 */
public record Encoding(List<String> tokens, int[] ids, int[] typeIds) {

  public Encoding {
    if (tokens.size() != ids.length || ids.length != typeIds.length) {
      throw new IllegalArgumentException(
          "tokens, ids and type ids must have one entry per token: " + tokens.size() + ", " + ids.length + ", "
              + typeIds.length);
    }
    tokens = List.copyOf(tokens);
  }

  /** Number of tokens, special tokens included. */
  public int length() {
    return ids.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Encoding e
        && tokens.equals(e.tokens)
        && Arrays.equals(ids, e.ids)
        && Arrays.equals(typeIds, e.typeIds);
  }

  @Override
  public int hashCode() {
    return tokens.hashCode() * 31 + Arrays.hashCode(ids);
  }

  @Override
  public String toString() {
    return tokens + " " + Arrays.toString(ids);
  }
}
