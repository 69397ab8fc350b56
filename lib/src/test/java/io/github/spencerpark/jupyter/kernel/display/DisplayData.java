package io.github.spencerpark.jupyter.kernel.display;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Stand-in for IJava's {@code DisplayData} with the members the course's display layer uses, as published in
 * jupyter-jvm-basekernel 2.3.0. IJava itself is not on the registries this project builds from, so the
 * reflective wiring is tested against this shape.
 */
public class DisplayData {
  public final Map<String, Object> data = new LinkedHashMap<>();
  public String displayId;

  public DisplayData(String text) {
    data.put("text/plain", text);
  }

  public void putData(String mime, Object value) {
    data.put(mime, value);
  }

  public void setDisplayId(String id) {
    displayId = id;
  }
}
