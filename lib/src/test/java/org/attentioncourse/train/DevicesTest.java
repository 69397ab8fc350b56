package org.attentioncourse.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import org.junit.jupiter.api.Test;

class DevicesTest {

  @Test
  void requestsResolveAgainstTheGpuCount() {
    assertEquals(Device.cpu(), Devices.choose("auto", 0));
    assertEquals(Device.gpu(0), Devices.choose("auto", 2));
    assertEquals(Device.cpu(), Devices.choose("CPU", 2));
    assertEquals(Device.gpu(1), Devices.choose("gpu:1", 2));
    assertEquals(Device.gpu(0), Devices.choose("cuda", 1));
  }

  @Test
  void askingForAMissingGpuFailsClearly() {
    var none = assertThrows(IllegalStateException.class, () -> Devices.choose("gpu", 0));
    assertTrue(none.getMessage().contains("sees none"), none.getMessage());
    var tooHigh = assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpu:2", 2));
    assertTrue(tooHigh.getMessage().contains("gpu:0 .. gpu:1"), tooHigh.getMessage());
    var junk = assertThrows(IllegalArgumentException.class, () -> Devices.choose("tpu", 1));
    assertTrue(junk.getMessage().contains("auto, cpu, gpu, gpu:N"), junk.getMessage());
    assertThrows(IllegalArgumentException.class, () -> Devices.choose("gpu:x", 1));
  }

  @Test
  void theReportOnThisMachineIsHonest() {
    Devices.Report r = Devices.report(Device.cpu());
    assertEquals("PyTorch", r.engine());
    assertEquals("2.7.1", r.engineVersion());
    assertEquals("0.35.1", r.djl());
    assertFalse(r.cudaInUse(), "an array placed on the CPU is not on CUDA");
    assertTrue(r.banner().contains("CUDA in use: no"), r.banner());
  }
}
