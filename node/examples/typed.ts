// A typed usage example: `tsc --noEmit --strict` must accept it (checked by make test).
import {
  BlobContainer,
  ConversionFailedError,
  Emulator,
  NotFoundError,
  RemoteRenderingClient,
  RemoteRenderingError,
  StorageAccount,
  type ConversionSettings,
  type Preflight,
  type Session,
  type UploadProgress,
  type UploadReport,
} from 'remote-rendering'

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

/** A conversion on blob storage: upload, preflight, convert, and a read link to the asset. */
export async function onBlobStorage(client: RemoteRenderingClient, key: string): Promise<string> {
  const account = new StorageAccount('devstoreaccount1', key, { blobEndpoint: 'http://127.0.0.1:10000/devstoreaccount1' })
  const created: boolean = await account.createContainer('input')
  const input: BlobContainer = account.container('input')
  const controller = new AbortController()
  const report: UploadReport = await input.upload('./model', {
    prefix: 'model',
    concurrency: 2,
    timeout: 60_000,
    signal: controller.signal,
    onProgress: (p: UploadProgress) => console.log(p.blob, p.bytesDone, p.bytesTotal, p.fileDone),
  })
  console.log(created, report.uploaded.length, report.notUploaded, report.bytes)
  const settings: ConversionSettings = {
    inputLocation: {
      storageContainerUri: account.containerUri('input'),
      storageContainerReadListSas: account.inputSas('input', { expiry: 3_600_000 }),
      blobPrefix: 'model',
      relativeInputAssetPath: 'scene.gltf',
    },
    outputLocation: { storageContainerUri: account.containerUri('output'), storageContainerWriteSas: account.outputSas('output') },
  }
  const checked: Preflight = await input.preflight(settings)
  console.log(checked.inputBlob, checked.inputBytes, checked.referenced)
  const id: string = await client.contentConversionId('./model', settings)
  await client.startConversion(id, settings)
  const output = new BlobContainer(account.containerUri('output'), account.containerSas('output', 'rl'))
  try {
    const done = await client.waitForConversionWithReport(id, output, { pollInterval: 1000, onProgress: (c) => console.log(c.status) })
    const bytes: Buffer | null = await output.read('scene.arrAsset', { maxBytes: 1 << 20 })
    const names: string[] = await output.list({ prefix: 'scene' })
    const there: boolean = await output.exists('scene.result.json')
    console.log(bytes?.length, names, there, account.blobReadUrl('output', 'scene.result.json'))
    return account.assetReadUrl(done.outputAssetUri ?? '', { expiry: 600_000 })
  } catch (e) {
    if (e instanceof ConversionFailedError) console.log(e.conversionReport ?? (await output.readConversionReport(e.conversion!)))
    if (e instanceof RemoteRenderingError && e.uploadReport) console.log(e.uploadReport.notUploaded)
    throw e
  }
}
