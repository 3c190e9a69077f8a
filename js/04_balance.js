// Balancers: which lane a call goes to. `leastBusy` is the
// default: the lane with the fewest calls in flight, ties to the lowest
// index (so sequential calls stay on a worker that is still spinning).
// Lanes whose worker is being stopped or replaced are used only when
// nothing else is.

function usable(lane) {
  return lane.failure === null && !lane.respawning && !lane.watched;
}

function leastBusy(lanes) {
  let best = null;
  for (let i = 0; i < lanes.length; i++) {
    const lane = lanes[i];
    if (!usable(lane)) continue;
    if (best === null || lane.inflight < best.inflight) best = lane;
    if (best.inflight === 0) break;
  }
  return best;
}

function roundRobin(lanes, cursor) {
  for (let tries = 0; tries < lanes.length; tries++) {
    const lane = lanes[cursor.next];
    cursor.next = (cursor.next + 1) % lanes.length;
    if (usable(lane)) return lane;
  }
  return null;
}

function firstIdle(lanes) {
  for (const lane of lanes) if (usable(lane) && lane.inflight === 0) return lane;
  return null;
}

function randomLane(lanes) {
  const live = lanes.filter(usable);
  return live.length === 0 ? null : live[Math.floor(Math.random() * live.length)];
}

const STRATEGIES = {
  leastBusy,
  roundRobin,
  firstIdle: (lanes, cursor) => firstIdle(lanes) ?? roundRobin(lanes, cursor),
  randomLane,
  firstIdleOrRandom: (lanes) => firstIdle(lanes) ?? randomLane(lanes),
};

/**
 * The balancer for a pool, chosen once (a call does not look its strategy
 * up): `(lanes, cursor)` gives the lane for the next call among the usable
 * ones, or null (see `anyLane`).
 */
export function balancer(strategy) {
  return STRATEGIES[strategy] ?? leastBusy;
}

/** When no lane is usable: a lane getting a new worker (calls queue there), or null when every lane is dead for good. */
export function anyLane(lanes) {
  for (const candidate of lanes) if (candidate.failure === null) return candidate;
  return null;
}
