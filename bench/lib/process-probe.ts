/**
 * What a measured child reports about itself: peak RSS sampled every 50 ms, CPU time and event-loop delay,
 * all over a window that `reset()` starts (so start-up and warm-up stay out of the figures).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { MB, round } from './stats.js';

export interface ProbeReading {
  seconds: number;
  /** RSS when the window started: what the process holds before the measured work. */
  startRssMB: number;
  peakRssMB: number;
  lastRssMB: number;
  /** V8 heap in use and reserved, and memory outside it (buffers, sockets), at the end of the window. */
  heapUsedMB: number;
  heapTotalMB: number;
  externalMB: number;
  /** CPU time (user + system) over the window, as a share of one core: 1 = one core busy all the time. */
  cpuCores: number;
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

const SAMPLE_EVERY_MS = 50;

export function startProcessProbe() {
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let peakRss = 0;
  let startRss = 0;
  let startedAt = 0;
  let cpuAtStart = process.cpuUsage();
  const sample = () => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  };
  const timer = setInterval(sample, SAMPLE_EVERY_MS);
  timer.unref();

  function reset(): void {
    delay.disable();
    delay.reset();
    delay.enable();
    startRss = process.memoryUsage.rss();
    peakRss = startRss;
    startedAt = performance.now();
    cpuAtStart = process.cpuUsage();
  }

  function read(): ProbeReading {
    sample();
    const seconds = (performance.now() - startedAt) / 1000;
    const cpu = process.cpuUsage(cpuAtStart);
    const ms = (ns: number) => round(ns / 1e6, 1);
    const memory = process.memoryUsage();
    return {
      seconds: round(seconds, 1),
      startRssMB: round(startRss / MB, 1),
      peakRssMB: round(peakRss / MB, 1),
      lastRssMB: round(memory.rss / MB, 1),
      heapUsedMB: round(memory.heapUsed / MB, 1),
      heapTotalMB: round(memory.heapTotal / MB, 1),
      externalMB: round(memory.external / MB, 1),
      cpuCores: round((cpu.user + cpu.system) / 1e6 / seconds, 2),
      loopDelayP50Ms: ms(delay.percentile(50)),
      loopDelayP99Ms: ms(delay.percentile(99)),
      loopDelayMaxMs: ms(delay.max),
    };
  }

  reset();
  function stop(): void {
    clearInterval(timer);
    delay.disable();
  }

  return { reset, read, stop };
}
