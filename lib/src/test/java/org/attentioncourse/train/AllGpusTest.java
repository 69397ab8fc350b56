package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.engine.Engine;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** {@code all-gpus}: every GPU the engine sees, or a clear error when there is none. */
class AllGpusTest {

  @Test
  void allGpusListsEveryGpuOrFailsClearly() {
    assertArrayEquals(new Device[] {Device.gpu(0), Device.gpu(1), Device.gpu(2)}, Devices.chooseAll("all-gpus", 3));
    assertArrayEquals(new Device[] {Device.cpu()}, Devices.chooseAll("cpu", 3));
    assertArrayEquals(new Device[] {Device.gpu(1)}, Devices.chooseAll("gpu:1", 3));
    var e = assertThrows(IllegalStateException.class, () -> Devices.chooseAll("ALL-GPUS", 0));
    assertTrue(e.getMessage().contains("sees no GPU") && e.getMessage().contains("Use 'cpu' or 'auto'"), e.getMessage());
    var single = assertThrows(IllegalArgumentException.class, () -> Devices.choose("all-gpus", 2));
    assertTrue(single.getMessage().contains("Devices.chooseAll"), single.getMessage());
  }

  @Test
  void onThisMachineWithoutAGpuAllGpusFails() {
    Assumptions.assumeTrue(Engine.getInstance().getGpuCount() == 0, "this machine has a GPU");
    var e = assertThrows(IllegalStateException.class, () -> Devices.chooseAll("all-gpus"));
    assertTrue(e.getMessage().contains("all-gpus"), e.getMessage());
  }
}
