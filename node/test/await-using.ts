// `await using` stops a managed session when the block is left by a throw. Compiled and run by
// await-using.test.js (Node 20 has no `await using` syntax: TypeScript lowers it).
import { Emulator, type ManagedSession } from 'remote-rendering'

class Boom extends Error {}

async function main(): Promise<void> {
  const emu = await Emulator.start({ startupDelay: 0 })
  const client = emu.client({ pollInterval: 10 })
  let id: string | undefined
  let caught: unknown
  try {
    await using managed: ManagedSession = await client.session({ leaseMinutes: 10 })
    id = managed.id
    if ((await client.getSession(id)).status !== 'Ready') throw new Error('not Ready inside the block')
    throw new Boom('thrown inside the await using block')
  } catch (e) {
    caught = e
  }
  const after = id === undefined ? undefined : await client.getSession(id)
  const result = {
    id,
    statusAfter: after?.status,
    caughtIsBoom: caught instanceof Boom,
    caughtMessage: caught instanceof Error ? caught.message : String(caught),
    stopRequests: emu.requests('stop_session'),
  }
  await emu.stop()
  console.log(JSON.stringify(result))
}

main().catch((e: unknown) => {
  console.error(e)
  process.exitCode = 1
})
