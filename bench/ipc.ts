// One echo, four ways between two threads of one knit process: a Knitting
// call, postMessage to a Web Worker, and, as the original's own comparison
// does, JSON over a loopback WebSocket and over loopback HTTP (Deno.serve +
// fetch) to a server on a Web Worker. Sequential round trips of a short
// string and of a { msg, id } object; bursts of 1/10/100/1000 empty calls
// and of 50 strings in flight; the CPU of an idle pool. Every reply is
// checked. Prints a table and a JSON line; with --svg FILE also a chart.
// Run: knit run -A bench/ipc.ts [sequentialCalls=20000] [burstRounds=2000] [idleSeconds=5] [--svg FILE]
import { createPool, isMain, task } from "knitting";
import { burst, cpuSeconds, expectSame, type Send, sequential, sleep, table } from "./_stats.ts";
import { barChart } from "./_svg.ts";
import { loopback } from "./_loopback.ts";
import { webWorkers } from "./_web_workers.ts";

export const echo = task({ f: (value: unknown) => value });

const THREADS = 2;
const svgAt = Deno.args.indexOf("--svg");
const svgFile = svgAt >= 0 ? Deno.args[svgAt + 1] : null;
const numbers = Deno.args.filter((_, i) => svgAt < 0 || (i !== svgAt && i !== svgAt + 1));
const SEQUENTIAL = Number(numbers[0] ?? 20_000);
const BURST_ROUNDS = Number(numbers[1] ?? 2_000);
const IDLE_SECONDS = Number(numbers[2] ?? 5);

type Message = { msg: string; id: number };

const text = () => "hello";
const sameText = (_: number, back: unknown) => expectSame("hello", back);
const message = (i: number): Message => ({ msg: "hello", id: i });
const sameMessage = (i: number, back: unknown) => {
  const m = back as Message;
  if (m?.msg !== "hello" || m.id !== i) throw new Error(`a result came back different: ${JSON.stringify(back)}`);
};

async function idleCpuPercent(seconds: number) {
  await sleep(200);
  const before = cpuSeconds();
  await sleep(seconds * 1000);
  return ((cpuSeconds() - before) / seconds) * 100;
}

if (isMain) {
  const pool = createPool({ threads: THREADS })({ echo });
  // Same lane choice as the pool: the least busy worker.
  const web = await webWorkers(new URL("./echo_worker.ts", import.meta.url), THREADS, "leastBusy");
  const net = await loopback();
  await pool.call.echo("up");
  const ways: Array<[string, Send, number]> = [
    ["Knitting", pool.call.echo, SEQUENTIAL],
    ["postMessage", web.send, Math.min(SEQUENTIAL, 5_000)],
    ["WebSocket", net.ws, Math.min(SEQUENTIAL, 2_000)],
    ["HTTP", net.http, Math.min(SEQUENTIAL, 2_000)],
  ];
  const names = ways.map(([name]) => name);

  const strings = [];
  const objects = [];
  for (const [, send, n] of ways) strings.push(await sequential(send, n, text, sameText));
  for (const [, send, n] of ways) objects.push(await sequential(send, n, message, sameMessage));

  // Empty calls (no argument) in bursts, and the target figure: 50 strings.
  const bursts = [];
  for (const size of [1, 10, 100, 1000, 50]) {
    const values = size === 50 ? Array.from({ length: 50 }, (_, i) => `m${i}`) : new Array(size).fill(undefined);
    const rounds = Math.max(10, Math.floor(BURST_ROUNDS / Math.sqrt(size)));
    const row: number[] = [];
    for (const [name, send] of ways) {
      const share = name === "Knitting" ? 1 : name === "postMessage" ? 4 : 16;
      // A MessageEvent's data is null for an undefined message (as in Deno).
      const expected = name === "postMessage" && size !== 50 ? values.map(() => null) : values;
      row.push(await burst(send, size, Math.max(5, Math.floor(rounds / share)), values, expected));
    }
    bursts.push({ size, strings: size === 50, callsPerSecond: Object.fromEntries(names.map((n, i) => [n, row[i]])) });
  }
  web.close();
  net.close();
  const idle = await idleCpuPercent(IDLE_SECONDS);
  await pool.shutdown();

  const ratio = (a: number, b: number) => `${(a / b).toFixed(1)}×`;
  console.log(`threads: ${THREADS}; µs per round trip (lower is better) and calls/s (higher is better)`);
  table(["figure", ...names, "postMessage ÷ Knitting"], [
    ...(["p50", "p90", "p99"] as const).map((p) => [`"hello" ${p} µs`, ...strings.map((s) => s[p]), ratio(strings[1][p], strings[0][p])]),
    ...(["p50", "p99"] as const).map((p) => [`{msg, id} ${p} µs`, ...objects.map((s) => s[p]), ratio(objects[1][p], objects[0][p])]),
    ...bursts.map((b) => [
      `burst ${b.size}${b.strings ? " strings" : " empty"} calls/s`,
      ...names.map((n) => b.callsPerSecond[n]),
      ratio(b.callsPerSecond.Knitting, b.callsPerSecond.postMessage),
    ]),
    ["idle pool CPU % of a core", idle, "—", "—", "—", "—"],
  ]);
  const result = {
    bench: "ipc",
    threads: THREADS,
    sequentialUs: Object.fromEntries(names.map((n, i) => [n, { text: strings[i], object: objects[i] }])),
    bursts,
    idlePoolCpuPercent: idle,
  };
  console.log(JSON.stringify(result));
  if (svgFile) {
    await Deno.writeTextFile(svgFile, barChart(`Sequential echo of "hello", p50 µs (lower is better; ${THREADS} threads)`, names.map((n, i) => [n, strings[i].p50]), "µs"));
    console.log(`chart: ${svgFile}`);
  }
}
