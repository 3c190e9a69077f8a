// What `pool.stats()` reports, kept by the host: per worker, the calls in
// flight, answered with a value or an error, and taken from a busy peer;
// and, from one call in SAMPLE_EVERY, how long calls ran in their task and
// how long they spent outside it.
//
// A sampled call is marked in its request word (`packRequest`, 01_lane.js);
// its worker times the task (two clock reads, ~1 µs on QuickJS: too dear
// for every call) and puts the microseconds in the reply's status word. The
// host timed the call from its dispatch to its reply, so its wait is that
// latency less the run: queueing, the trip both ways, the host's turn.

/** One call in this many is timed (a mask + 1). */
export const SAMPLE_EVERY = 16;

// Log-linear buckets: 4 per power of two from 1 µs (bucket 0 holds < 1 µs),
// so a percentile is within ~19 % of the truth, in 128 counters.
const SUB = 4;
const BUCKETS = 128;

function bucketOf(us) {
  if (us < 1) return 0;
  const index = 1 + Math.floor(Math.log2(us) * SUB);
  return index < BUCKETS ? index : BUCKETS - 1;
}

/** A bucket's middle, in µs. */
function valueOf(bucket) {
  if (bucket === 0) return 0.5;
  return 2 ** ((bucket - 0.5) / SUB);
}

export class Histogram {
  constructor() {
    this.counts = new Float64Array(BUCKETS);
    this.samples = 0;
    this.sum = 0;
  }

  record(us) {
    this.counts[bucketOf(us)]++;
    this.samples++;
    this.sum += us;
  }

  add(other) {
    for (let i = 0; i < BUCKETS; i++) this.counts[i] += other.counts[i];
    this.samples += other.samples;
    this.sum += other.sum;
  }

  percentile(p) {
    if (this.samples === 0) return 0;
    const rank = Math.ceil(this.samples * p);
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += this.counts[i];
      if (seen >= rank) return round(valueOf(i));
    }
    return round(valueOf(BUCKETS - 1));
  }

  /** { samples, mean, p50, p99 } in µs. */
  summary() {
    return {
      samples: this.samples,
      mean: this.samples === 0 ? 0 : round(this.sum / this.samples),
      p50: this.percentile(0.5),
      p99: this.percentile(0.99),
    };
  }
}

function round(us) {
  return Math.round(us * 10) / 10;
}

/** One lane's counters. */
export class LaneStats {
  constructor() {
    this.completed = 0;
    this.failed = 0;
    this.stolen = 0;
    this.run = new Histogram();
    this.wait = new Histogram();
  }

  /** A timed call's reply: `latency` from dispatch to reply, `run` in its task (µs). */
  timed(latency, run) {
    this.run.record(run);
    this.wait.record(latency > run ? latency - run : 0);
  }

  /** Busy share of `elapsedMs`: the mean sampled run time times the calls answered. */
  utilization(elapsedMs) {
    if (this.run.samples === 0 || elapsedMs <= 0) return 0;
    const busyMs = ((this.run.sum / this.run.samples) * (this.completed + this.failed)) / 1000;
    return Math.min(1, Math.round((busyMs / elapsedMs) * 1000) / 1000);
  }
}

/** `pool.stats()`: each lane's counters and times, and the pool's totals (the inline lane's counts included). */
export function poolStats(lanes, inline, elapsedMs) {
  const run = new Histogram();
  const wait = new Histogram();
  let completed = inline?.completed ?? 0;
  let failed = inline?.failed ?? 0;
  const workers = lanes.map((lane) => {
    const s = lane.stats;
    run.add(s.run);
    wait.add(s.wait);
    completed += s.completed;
    failed += s.failed;
    return {
      worker: lane.index,
      inFlight: lane.inflight,
      queued: lane.backlog.length,
      completed: s.completed,
      failed: s.failed,
      stolen: s.stolen,
      runTime: s.run.summary(),
      waitTime: s.wait.summary(),
      utilization: s.utilization(elapsedMs),
    };
  });
  return {
    uptimeMs: Math.round(elapsedMs),
    sampleEvery: SAMPLE_EVERY,
    completed,
    failed,
    runTime: run.summary(),
    waitTime: wait.summary(),
    workers,
    inline,
  };
}
