package org.attentioncourse.data;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * A second ListOps evaluator, iterative with an explicit stack, so that the tests do not check the recursive
 * evaluator against itself. Works on ids directly; decides operators by the token's name, not by ListOps.Op.
 */
final class StackEvaluator {

  private StackEvaluator() {}

  static int value(int[] ids) {
    ListOps names = ListOps.defaults();
    Deque<String> ops = new ArrayDeque<>();
    Deque<List<Integer>> args = new ArrayDeque<>();
    args.push(new ArrayList<>());
    for (int id : ids) {
      String w = names.tokenName(id);
      if (w.startsWith("[")) {
        ops.push(w);
        args.push(new ArrayList<>());
      } else if (w.equals("]")) {
        int v = combine(ops.pop(), args.pop());
        args.peek().add(v);
      } else {
        args.peek().add(Integer.parseInt(w));
      }
    }
    List<Integer> top = args.pop();
    if (!ops.isEmpty() || top.size() != 1) {
      throw new IllegalArgumentException("malformed: " + Arrays.toString(ids));
    }
    return top.get(0);
  }

  private static int combine(String op, List<Integer> xs) {
    int[] s = xs.stream().mapToInt(Integer::intValue).sorted().toArray();
    return switch (op) {
      case "[MAX" -> s[s.length - 1];
      case "[MIN" -> s[0];
      case "[MED" -> s[(s.length - 1) / 2];
      case "[SM" -> Arrays.stream(s).sum() % 10;
      default -> throw new IllegalArgumentException(op);
    };
  }
}
