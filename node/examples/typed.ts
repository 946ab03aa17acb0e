// A typed usage example: `tsc --noEmit --strict` must accept it (checked by make test).
import { Emulator, NotFoundError, RemoteRenderingClient, RemoteRenderingError, type Session } from 'remote-rendering'

export async function main(): Promise<void> {
  await using emu = await Emulator.start({ startupDelay: 1000 })
  const client: RemoteRenderingClient = emu.client({ pollInterval: 200 })
  try {
    await using managed = await client.session({ leaseMinutes: 10, onProgress: (s: Session) => console.log(s.status) })
    const s: Session = managed.session
    console.log(s.hostname ?? 'no host', s.handshakePort ?? 0)
    const conversion = await client.startConversion('typed', {
      inputLocation: { storageContainerUri: 'https://a.blob.core.windows.net/in', relativeInputAssetPath: 'm.fbx', storageContainerReadListSas: 'sv=1' },
      outputLocation: { storageContainerUri: 'https://a.blob.core.windows.net/out', storageContainerWriteSas: 'sv=1' },
    })
    console.log(conversion.status, conversion.settings.outputLocation.outputAssetFilename)
    for await (const listed of client.listSessions()) console.log(listed.id, listed.leaseMinutes)
  } catch (e) {
    if (e instanceof NotFoundError) console.log('not found', e.msCv)
    else if (e instanceof RemoteRenderingError) console.log(e.code, e.status, e.retryAfter)
    else throw e
  }
}
