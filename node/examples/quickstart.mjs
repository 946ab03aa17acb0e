// A walk through the Node API against the embedded emulator (or the account in ARR_* variables).
//   node node/examples/quickstart.mjs
import { Emulator, NotFoundError, RemoteRenderingClient } from 'remote-rendering'

const started = Date.now()
const say = (text) => console.log(`[${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s] ${text}`)

let emulator
let client
if (process.env.ARR_ACCOUNT_ID) {
  client = new RemoteRenderingClient({
    accountId: process.env.ARR_ACCOUNT_ID,
    accountDomain: process.env.ARR_ACCOUNT_DOMAIN,
    credential: { accountKey: process.env.ARR_ACCOUNT_KEY },
    region: process.env.ARR_REGION,
    endpoint: process.env.ARR_ENDPOINT,
  })
} else {
  emulator = await Emulator.start({ startupDelay: 2000, conversionDuration: 3000 })
  client = emulator.client({ pollInterval: 500 })
  say(`using the embedded emulator at ${emulator.endpoint}`)
}

// A session: started, Ready, kept alive, and stopped when disposed (`await using` on Node 24+).
const managed = await client.session({ leaseMinutes: 10, onProgress: (s) => say(`session is ${s.status}`) })
try {
  const s = managed.session
  say(`ready: ${s.hostname} handshake port ${s.handshakePort}, ${s.teraflops} teraflops`)
  const extended = await client.updateSession(s.id, 20)
  say(`lease is now ${extended.leaseMinutes} minutes`)
  for await (const listed of client.listSessions()) say(`listed: ${listed.id} ${listed.status}`)
} finally {
  await managed.close()
}
say(`after close the session is ${(await client.getSession(managed.id)).status}`)

try {
  await client.getSession('no-such-session')
} catch (e) {
  if (!(e instanceof NotFoundError)) throw e
  say(`${e.name}: code=${e.code} status=${e.status} msCv=${e.msCv}`)
}

if (emulator) {
  const conversion = await client.startConversion('quickstart-conversion', {
    inputLocation: {
      storageContainerUri: 'https://quickstart.blob.core.windows.net/input',
      relativeInputAssetPath: 'models/engine.fbx',
      storageContainerReadListSas: 'sv=2021-01-01&sig=example',
    },
    outputLocation: {
      storageContainerUri: 'https://quickstart.blob.core.windows.net/output',
      blobPrefix: 'converted',
      storageContainerWriteSas: 'sv=2021-01-01&sig=example',
    },
  })
  say(`conversion ${conversion.id} is ${conversion.status}`)
  const done = await client.waitForConversion(conversion.id, { onProgress: (c) => say(`conversion is ${c.status}`) })
  say(`converted: ${done.outputAssetUri}`)
  await emulator.stop()
}
