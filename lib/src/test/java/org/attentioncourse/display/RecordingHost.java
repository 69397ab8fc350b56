package org.attentioncourse.display;

import java.util.ArrayList;
import java.util.List;

/** A host that keeps what it is asked to show, for tests of the display layer's own logic. */
final class RecordingHost implements Host {

  record Event(String kind, MimeBundle bundle, String displayId) {}

  final List<Event> events = new ArrayList<>();
  private final boolean canUpdate;

  RecordingHost(boolean canUpdate) {
    this.canUpdate = canUpdate;
  }

  @Override
  public String name() {
    return "recording";
  }

  @Override
  public void show(MimeBundle bundle, String displayId) {
    events.add(new Event("show", bundle, displayId));
  }

  @Override
  public boolean canUpdate() {
    return canUpdate;
  }

  @Override
  public void update(MimeBundle bundle, String displayId) {
    events.add(new Event("update", bundle, displayId));
  }
}
