import { createPool, isMain, task } from "@vixeny/knitting";
export const hello = task({
  f: (name: string) => `hello ${name}`,
});
const { call, shutdown } = createPool({
  threads: 2
})({ hello });
if (isMain) {
  console.log(await call.hello("world"));
  await shutdown();
}
