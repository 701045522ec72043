// What a first-touch page fault costs on this machine right now, for the benchmark tables'
// headers. On the VM this project measures on (Firecracker, AMD EPYC) it was 11-12 us a
// 4 KiB page on 2026-12-06, and both frameworks pay it wherever an allocation lands on
// fresh pages. PyTorch 1.13's 3x3 s1 64-channel convolution at 1 thread (batch 8, 56x56)
// took 48-67 ms a call, with 3100-4700 faults each, in a process where it was the first
// convolution, and 10.4 ms in bench/conv-layers.mjs's run after the 7x7 stem. Tables are
// comparable only where this figure is alike.

/** Microseconds per minor fault while touching 64 MiB of never-used memory, one byte a page. */
export function faultCostUs() {
  const bytes = 64 << 20;
  const f0 = process.resourceUsage().minorPageFault;
  const t0 = performance.now();
  const b = Buffer.allocUnsafeSlow(bytes); // above glibc's mmap threshold: fresh pages
  for (let i = 0; i < bytes; i += 4096) b[i] = 1;
  const ms = performance.now() - t0;
  const faults = process.resourceUsage().minorPageFault - f0;
  return faults > 0 ? (ms * 1000) / faults : 0;
}
