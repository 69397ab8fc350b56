package org.attentioncourse.encoder;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * BERT's WordPiece tokenizer (Devlin et al. 2019, arXiv 1810.04805, §3; Wu et al. 2016, arXiv 1609.08144, §4.1),
 * configured from a Hugging Face {@code tokenizer.json} with a BertNormalizer, a BertPreTokenizer and a WordPiece
 * model:
 *
 * <ol>
 *   <li>Special tokens written literally in the text ("[MASK]") are kept whole.
 *   <li>Normalisation: control characters dropped and whitespace made a plain space (clean_text); a space on
 *       each side of every CJK ideograph (handle_chinese_chars); accents removed by decomposing (NFD) and dropping
 *       the non-spacing marks (strip_accents, which follows lowercase when the json leaves it null); lower case.
 *   <li>Pre-tokenisation: split on whitespace, and every punctuation character becomes a word of its own.
 *   <li>WordPiece: each word is cut greedily into the longest vocabulary pieces from the left, pieces after the
 *       first carrying the "##" prefix; a word with a part no piece covers, or longer than
 *       max_input_chars_per_word, becomes [UNK].
 *   <li>[CLS] A [SEP] for one sentence, [CLS] A [SEP] B [SEP] for a pair (segment ids 0 … 0 1 … 1), truncated
 *       to the maximum length (longest sequence first for pairs).
 * </ol>
 */
public final class WordPieceTokenizer {

  private final Map<String, Integer> vocab;
  private final String[] byId;
  private final String unk;
  private final String prefix;
  private final int maxCharsPerWord;
  private final boolean cleanText;
  private final boolean chineseChars;
  private final boolean stripAccents;
  private final boolean lowercase;
  private final List<String> addedTokens; // longest first, so the longest literal match wins
  private final String cls;
  private final String sep;
  private final String pad;
  private final int maxLength;

  private WordPieceTokenizer(WordPieceTokenizer base, int maxLength) {
    this.vocab = base.vocab;
    this.byId = base.byId;
    this.unk = base.unk;
    this.prefix = base.prefix;
    this.maxCharsPerWord = base.maxCharsPerWord;
    this.cleanText = base.cleanText;
    this.chineseChars = base.chineseChars;
    this.stripAccents = base.stripAccents;
    this.lowercase = base.lowercase;
    this.addedTokens = base.addedTokens;
    this.cls = base.cls;
    this.sep = base.sep;
    this.pad = base.pad;
    this.maxLength = maxLength;
  }

  private WordPieceTokenizer(JsonObject json, String source) {
    JsonObject model = object(json, "model", source);
    String type = string(model, "type", "WordPiece");
    if (!"WordPiece".equals(type)) {
      throw new IllegalArgumentException(source + ": the model is " + type + ", not WordPiece");
    }
    JsonObject v = object(model, "vocab", source + " model");
    vocab = new HashMap<>(v.size() * 2);
    int maxId = -1;
    for (Map.Entry<String, JsonElement> e : v.entrySet()) {
      int id = e.getValue().getAsInt();
      vocab.put(e.getKey(), id);
      maxId = Math.max(maxId, id);
    }
    if (vocab.isEmpty()) {
      throw new IllegalArgumentException(source + ": the WordPiece vocabulary is empty");
    }
    byId = new String[maxId + 1];
    vocab.forEach((token, id) -> byId[id] = token);
    unk = string(model, "unk_token", "[UNK]");
    prefix = string(model, "continuing_subword_prefix", "##");
    maxCharsPerWord = model.has("max_input_chars_per_word") ? model.get("max_input_chars_per_word").getAsInt() : 100;

    JsonElement n = json.get("normalizer");
    if (n == null || n.isJsonNull()) {
      throw new IllegalArgumentException(source + ": no normalizer (expected a BertNormalizer)");
    }
    JsonObject normalizer = n.getAsJsonObject();
    if (!"BertNormalizer".equals(string(normalizer, "type", ""))) {
      throw new IllegalArgumentException(
          source + ": the normalizer is " + normalizer.get("type") + "; only BertNormalizer is supported");
    }
    cleanText = bool(normalizer, "clean_text", true);
    chineseChars = bool(normalizer, "handle_chinese_chars", true);
    lowercase = bool(normalizer, "lowercase", true);
    JsonElement sa = normalizer.get("strip_accents");
    stripAccents = sa == null || sa.isJsonNull() ? lowercase : sa.getAsBoolean();
    JsonElement pre = json.get("pre_tokenizer");
    if (pre != null && !pre.isJsonNull() && !"BertPreTokenizer".equals(string(pre.getAsJsonObject(), "type", ""))) {
      throw new IllegalArgumentException(
          source + ": the pre-tokenizer is " + pre.getAsJsonObject().get("type")
              + "; only BertPreTokenizer is supported");
    }

    List<String> added = new ArrayList<>();
    if (json.has("added_tokens") && json.get("added_tokens").isJsonArray()) {
      for (JsonElement e : json.getAsJsonArray("added_tokens")) {
        added.add(e.getAsJsonObject().get("content").getAsString());
      }
    }
    added.sort((a, b) -> b.length() - a.length());
    addedTokens = List.copyOf(added);
    cls = "[CLS]";
    sep = "[SEP]";
    pad = "[PAD]";
    for (String special : new String[] {unk, cls, sep, pad}) {
      if (!vocab.containsKey(special)) {
        throw new IllegalArgumentException(source + ": the vocabulary has no " + special + " token");
      }
    }
    int max = 512;
    JsonElement t = json.get("truncation");
    if (t != null && t.isJsonObject() && t.getAsJsonObject().has("max_length")) {
      max = t.getAsJsonObject().get("max_length").getAsInt();
    }
    maxLength = max;
  }

  /**
   * Reads a tokenizer.json. The stream is read to its end and not closed.
   *
   * @param source a name for error messages (a file or resource name)
   * @throws IOException if the stream fails; IllegalArgumentException if it is not a WordPiece tokenizer.json
   */
  public static WordPieceTokenizer read(InputStream in, String source) throws IOException {
    Reader reader = new InputStreamReader(in, StandardCharsets.UTF_8);
    JsonElement root;
    try {
      root = JsonParser.parseReader(reader);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException(source + " is not valid JSON: " + e.getMessage(), e);
    }
    if (!root.isJsonObject()) {
      throw new IllegalArgumentException(source + " is not a tokenizer.json: its top level is not an object");
    }
    try {
      return new WordPieceTokenizer(root.getAsJsonObject(), source);
    } catch (IllegalStateException | ClassCastException | NumberFormatException | UnsupportedOperationException e) {
      throw new IllegalArgumentException(source + " is not a WordPiece tokenizer.json: " + e.getMessage(), e);
    }
  }

  /** The same tokenizer with another maximum length (special tokens included), 3 to any size. */
  public WordPieceTokenizer withMaxLength(int maxLength) {
    if (maxLength < 3) {
      throw new IllegalArgumentException("the maximum length must leave room for [CLS] and two [SEP]: " + maxLength);
    }
    return new WordPieceTokenizer(this, maxLength);
  }

  /** Maximum number of tokens of an encoding, special tokens included (the json's truncation length). */
  public int maxLength() {
    return maxLength;
  }

  /** Number of entries in the vocabulary. */
  public int vocabSize() {
    return byId.length;
  }

  /** The id of a vocabulary entry; fails for a token not in the vocabulary. */
  public int id(String token) {
    Integer id = vocab.get(token);
    if (id == null) {
      throw new IllegalArgumentException("'" + token + "' is not in the vocabulary");
    }
    return id;
  }

  /** The vocabulary entry with this id. */
  public String token(int id) {
    if (id < 0 || id >= byId.length || byId[id] == null) {
      throw new IndexOutOfBoundsException("id " + id + " is not in a vocabulary of " + byId.length);
    }
    return byId[id];
  }

  /** The id of [PAD]. */
  public int padId() {
    return vocab.get(pad);
  }

  /** The id of [CLS], the token every encoding starts with. */
  public int clsId() {
    return vocab.get(cls);
  }

  /** The id of [SEP], the token that ends every segment. */
  public int sepId() {
    return vocab.get(sep);
  }

  /** The word pieces of {@code text}, without [CLS]/[SEP] and without truncation. */
  public List<String> tokenize(String text) {
    List<String> out = new ArrayList<>();
    for (String piece : splitOnAddedTokens(text)) {
      if (addedTokens.contains(piece)) {
        out.add(piece);
        continue;
      }
      for (String word : preTokenize(normalize(piece))) {
        wordPiece(word, out);
      }
    }
    return out;
  }

  /** {@code [CLS] text [SEP]}, truncated to {@link #maxLength()}. */
  public Encoding encode(String text) {
    List<String> a = tokenize(text);
    int budget = maxLength - 2;
    if (a.size() > budget) {
      a = a.subList(0, budget);
    }
    List<String> tokens = new ArrayList<>(a.size() + 2);
    tokens.add(cls);
    tokens.addAll(a);
    tokens.add(sep);
    return encoding(tokens, tokens.size());
  }

  /**
   * {@code [CLS] a [SEP] b [SEP]} with segment ids 0 for the first part and 1 for the second, truncated to {@link
   * #maxLength()} longest first: when both do not fit, the shorter keeps all its tokens if the longer can still
   * keep as many; otherwise each keeps half of the room, the odd token going to the longer (to the second when
   * they are equally long).
   */
  public Encoding encode(String first, String second) {
    List<String> a = tokenize(first);
    List<String> b = tokenize(second);
    int budget = maxLength - 3;
    if (a.size() + b.size() > budget) {
      int shorter = Math.min(a.size(), b.size());
      int keepShort;
      int keepLong;
      if (shorter <= budget - shorter) {
        keepShort = shorter;
        keepLong = budget - shorter;
      } else {
        keepShort = budget / 2;
        keepLong = budget / 2 + budget % 2;
      }
      boolean firstIsLonger = a.size() > b.size();
      int keepA = firstIsLonger ? keepLong : keepShort;
      int keepB = firstIsLonger ? keepShort : keepLong;
      a = a.subList(0, Math.min(a.size(), keepA));
      b = b.subList(0, Math.min(b.size(), keepB));
    }
    List<String> tokens = new ArrayList<>(a.size() + b.size() + 3);
    tokens.add(cls);
    tokens.addAll(a);
    tokens.add(sep);
    int firstSegment = tokens.size();
    tokens.addAll(b);
    tokens.add(sep);
    return encoding(tokens, firstSegment);
  }

  /** Encodes every text and pads them to {@code length} (0: to the longest); texts are truncated to fit. */
  public TokenBatch batch(List<String> texts, int length) {
    WordPieceTokenizer t = length > 0 && length < maxLength ? withMaxLength(length) : this;
    List<Encoding> encodings = new ArrayList<>(texts.size());
    for (String text : texts) {
      encodings.add(t.encode(text));
    }
    return TokenBatch.of(encodings, length, padId());
  }

  private Encoding encoding(List<String> tokens, int firstSegment) {
    int[] ids = new int[tokens.size()];
    int[] types = new int[tokens.size()];
    for (int i = 0; i < ids.length; i++) {
      ids[i] = vocab.get(tokens.get(i));
      types[i] = i < firstSegment ? 0 : 1;
    }
    return new Encoding(tokens, ids, types);
  }

  /** Splits around literal occurrences of the added (special) tokens, leftmost and longest first. */
  private List<String> splitOnAddedTokens(String text) {
    List<String> out = new ArrayList<>();
    int start = 0;
    int i = 0;
    outer:
    while (i < text.length()) {
      for (String t : addedTokens) {
        if (text.startsWith(t, i)) {
          if (i > start) {
            out.add(text.substring(start, i));
          }
          out.add(t);
          i += t.length();
          start = i;
          continue outer;
        }
      }
      i++;
    }
    if (start < text.length()) {
      out.add(text.substring(start));
    }
    return out;
  }

  /** BertNormalizer: clean_text, handle_chinese_chars, strip_accents, lowercase, in that order. */
  String normalize(String text) {
    StringBuilder s = new StringBuilder(text.length() + 8);
    text.codePoints()
        .forEach(
            c -> {
              if (cleanText) {
                if (c == 0 || c == 0xFFFD || isControl(c)) {
                  return;
                }
                if (isWhitespace(c)) {
                  c = ' ';
                }
              }
              if (chineseChars && isCjk(c)) {
                s.append(' ').appendCodePoint(c).append(' ');
              } else {
                s.appendCodePoint(c);
              }
            });
    String out = s.toString();
    if (stripAccents) {
      StringBuilder t = new StringBuilder(out.length());
      Normalizer.normalize(out, Normalizer.Form.NFD)
          .codePoints()
          .filter(c -> Character.getType(c) != Character.NON_SPACING_MARK)
          .forEach(t::appendCodePoint);
      out = t.toString();
    }
    if (lowercase) {
      // code point by code point, so that no context rule (Greek final sigma) applies
      StringBuilder t = new StringBuilder(out.length());
      out.codePoints().forEach(c -> t.append(new String(Character.toChars(c)).toLowerCase(Locale.ROOT)));
      out = t.toString();
    }
    return out;
  }

  /** BertPreTokenizer: whitespace separates words and is dropped; each punctuation character is a word. */
  static List<String> preTokenize(String text) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    text.codePoints()
        .forEach(
            c -> {
              if (isWhitespace(c)) {
                flush(word, words);
              } else if (isPunctuation(c)) {
                flush(word, words);
                words.add(new String(Character.toChars(c)));
              } else {
                word.appendCodePoint(c);
              }
            });
    flush(word, words);
    return words;
  }

  private static void flush(StringBuilder word, List<String> words) {
    if (word.length() > 0) {
      words.add(word.toString());
      word.setLength(0);
    }
  }

  /** Greedy longest-match-first WordPiece of one word, appended to {@code out}. */
  private void wordPiece(String word, List<String> out) {
    int[] cps = word.codePoints().toArray();
    if (cps.length > maxCharsPerWord) {
      out.add(unk);
      return;
    }
    List<String> pieces = new ArrayList<>();
    int start = 0;
    while (start < cps.length) {
      String found = null;
      int end = cps.length;
      for (; end > start; end--) {
        String candidate = new String(cps, start, end - start);
        if (start > 0) {
          candidate = prefix + candidate;
        }
        if (vocab.containsKey(candidate)) {
          found = candidate;
          break;
        }
      }
      if (found == null) {
        out.add(unk); // one uncovered part makes the whole word unknown
        return;
      }
      pieces.add(found);
      start = end;
    }
    out.addAll(pieces);
  }

  /** Control characters (Cc, Cf, Cn, Co) other than tab, newline and carriage return, which count as space. */
  static boolean isControl(int c) {
    if (c == '\t' || c == '\n' || c == '\r') {
      return false;
    }
    int t = Character.getType(c);
    return t == Character.CONTROL || t == Character.FORMAT || t == Character.UNASSIGNED || t == Character.PRIVATE_USE;
  }

  /** Unicode White_Space: the space separators (Zs, Zl, Zp), U+0009–U+000D and U+0085. */
  static boolean isWhitespace(int c) {
    return (c >= 0x09 && c <= 0x0D) || c == 0x85 || Character.isSpaceChar(c);
  }

  /** ASCII punctuation (including symbols such as $, +, ^) and every Unicode punctuation category (P*). */
  static boolean isPunctuation(int c) {
    if ((c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126)) {
      return true;
    }
    return switch (Character.getType(c)) {
      case Character.CONNECTOR_PUNCTUATION,
          Character.DASH_PUNCTUATION,
          Character.START_PUNCTUATION,
          Character.END_PUNCTUATION,
          Character.INITIAL_QUOTE_PUNCTUATION,
          Character.FINAL_QUOTE_PUNCTUATION,
          Character.OTHER_PUNCTUATION -> true;
      default -> false;
    };
  }

  /** The CJK Unified Ideographs blocks BERT surrounds with spaces (Hangul and kana are not among them). */
  static boolean isCjk(int c) {
    return (c >= 0x4E00 && c <= 0x9FFF)
        || (c >= 0x3400 && c <= 0x4DBF)
        || (c >= 0x20000 && c <= 0x2A6DF)
        || (c >= 0x2A700 && c <= 0x2B73F)
        || (c >= 0x2B740 && c <= 0x2B81F)
        || (c >= 0x2B820 && c <= 0x2CEAF)
        || (c >= 0xF900 && c <= 0xFAFF)
        || (c >= 0x2F800 && c <= 0x2FA1F);
  }

  private static JsonObject object(JsonObject o, String key, String where) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new IllegalArgumentException(where + " has no '" + key + "' object");
    }
    return e.getAsJsonObject();
  }

  private static String string(JsonObject o, String key, String dflt) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? dflt : e.getAsString();
  }

  private static boolean bool(JsonObject o, String key, boolean dflt) {
    JsonElement e = o.get(key);
    return e == null || e.isJsonNull() ? dflt : e.getAsBoolean();
  }

  @Override
  public String toString() {
    return "WordPieceTokenizer(vocab " + byId.length + ", lowercase " + lowercase + ", strip accents " + stripAccents
        + ", max length " + maxLength + ")";
  }
}
