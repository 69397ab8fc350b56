package org.attentioncourse.display;

import java.io.StringWriter;
import tech.tablesaw.api.Table;
import tech.tablesaw.io.html.HtmlWriteOptions;
import tech.tablesaw.io.html.HtmlWriter;

/** Tablesaw tables as HTML and text for {@link Show}. */
public final class Tables {

  /** Rows shown before a table is cut to its head and tail. */
  public static final int DEFAULT_MAX_ROWS = 40;

  private Tables() {}

  /** The table as an HTML {@code <table>} element (text escaped), with a caption holding its name. */
  public static String html(Table table) {
    StringWriter w = new StringWriter();
    new HtmlWriter().write(table, HtmlWriteOptions.builder(w).build());
    return w.toString();
  }

  static MimeBundle bundle(Table table, int maxRows) {
    if (maxRows < 2) {
      throw new IllegalArgumentException("maxRows must be at least 2, got " + maxRows);
    }
    int n = table.rowCount();
    Table shown = table;
    String note = "";
    if (n > maxRows) {
      int head = maxRows / 2;
      int tail = maxRows - head;
      shown = table.first(head).append(table.last(tail));
      shown.setName(table.name());
      note = "showing rows 1-" + head + " and " + (n - tail + 1) + "-" + n + " of " + n;
    }
    String title = table.name() == null ? "" : table.name();
    StringBuilder html = new StringBuilder("<div class=\"course-table\">");
    if (!title.isBlank()) {
      html.append("<p><b>").append(Html.escape(title)).append("</b></p>");
    }
    html.append(html(shown).replaceFirst("<table>", "<table border=\"1\" class=\"dataframe\">"));
    html.append("<p><small>")
        .append(n)
        .append(n == 1 ? " row" : " rows")
        .append(" × ")
        .append(table.columnCount())
        .append(" columns")
        .append(note.isEmpty() ? "" : " (" + note + ")")
        .append("</small></p></div>");
    String text = shown.printAll() + (note.isEmpty() ? "" : "\n(" + note + ")");
    return new MimeBundle(Html.slug(title, "table"), text, html.toString(), null);
  }
}
