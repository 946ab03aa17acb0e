'use strict'
// The public surface walked against the core's one table (vocabulary()): every error code has its
// class, every object its class, every operation `of` an object its constructor or method with the
// table's parameters and defaults, every model its fields in the typings, every error field its
// property. A code, object, operation, parameter, default, model or field the core adds and this
// package lacks (or names differently) fails here.

const { test, describe } = require('node:test')
const assert = require('node:assert/strict')
const fs = require('node:fs')
const path = require('node:path')
const { rr } = require('./support.js')

const table = rr.vocabulary()
const dts = fs.readFileSync(path.join(__dirname, '..', 'index.d.ts'), 'utf8')
const mjs = fs.readFileSync(path.join(__dirname, '..', 'index.mjs'), 'utf8')
const js = fs.readFileSync(path.join(__dirname, '..', 'index.js'), 'utf8')

/** The table's rule for Node: camelCase (`lease_minutes` -> `leaseMinutes`). */
const camel = (snake) => snake.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase())
/** A parameter's Node name: its override, else the rule. */
const nodeName = (p) => (p.names && p.names.node) || camel(p.name)
/** A table default as Node takes it: durations in milliseconds. */
const nodeValue = (v) => (v !== null && typeof v === 'object' && 'ms' in v ? v.ms : v)

/** The text of `export interface Name ... { ... }` (or class) in index.d.ts. */
function block(kind, name) {
  const start = dts.search(new RegExp(`export (declare )?${kind} ${name}\\b`))
  assert.ok(start >= 0, `index.d.ts declares ${kind} ${name}`)
  let depth = 0
  for (let i = dts.indexOf('{', start); i < dts.length; i++) {
    if (dts[i] === '{') depth++
    if (dts[i] === '}' && --depth === 0) return dts.slice(start, i + 1)
  }
  assert.fail(`${name} is not closed`)
}

test('vocabulary() is the core table: a version, a base error, errors, error fields, objects, operations, models, defaults', () => {
  assert.equal(typeof table.version, 'string')
  assert.equal(table.version, rr.version)
  for (const k of ['errors', 'error_fields', 'objects', 'operations', 'models', 'defaults']) assert.ok(Array.isArray(table[k]) && table[k].length > 0, k)
  assert.equal(rr.vocabulary(), table, 'parsed once')
  assert.ok(Object.isFrozen(table))
  const typed = block('interface', 'Vocabulary')
  for (const k of Object.keys(table)) assert.match(typed, new RegExp(`readonly ${k}:`), `index.d.ts: Vocabulary.${k}`)
})

describe('errors', () => {
  test('the base class is the table\'s', () => {
    assert.equal(table.base_error.node, 'RemoteRenderingError')
    assert.equal(rr[table.base_error.node], rr.RemoteRenderingError)
  })

  for (const e of table.errors) {
    test(`${e.code}: class ${e.classes.node}, a RemoteRenderingError, exported (CommonJS, ESM, typings)`, () => {
      const cls = rr[e.classes.node]
      assert.equal(typeof cls, 'function', `${e.classes.node} is exported`)
      assert.equal(cls.name, e.classes.node)
      assert.equal(cls.code, e.code)
      assert.ok(cls.prototype instanceof rr.RemoteRenderingError)
      const err = new cls('m', { code: e.code })
      assert.equal(err.code, e.code)
      assert.equal(err.name, e.classes.node)
      assert.match(mjs, new RegExp(`\\b${e.classes.node},`), 'index.mjs exports it')
      assert.match(dts, new RegExp(`export declare class ${e.classes.node} extends RemoteRenderingError`), 'index.d.ts declares it')
    })
  }

  test('an error the addon reports is mapped to the class of its code, for every code of the table', () => {
    for (const e of table.errors) {
      const fromAddon = Object.assign(new Error('from the addon'), { code: e.code, retriable: e.retriable })
      const mapped = rr._fromNative(fromAddon)
      assert.ok(mapped instanceof rr[e.classes.node], `${e.code} -> ${e.classes.node}`)
      assert.equal(mapped.code, e.code)
    }
  })
})

/** The positional parameter names of a declaration line (`name(a: T, b?: U, options?: O)`). */
function positional(decl) {
  const inner = decl.slice(decl.indexOf('(') + 1, decl.lastIndexOf(')'))
  return [...inner.matchAll(/(?:^|,\s*)(\w+)\??:/g)].map((m) => m[1]).filter((n) => n !== 'options')
}

describe('objects', () => {
  for (const o of table.objects) {
    const name = o.classes.node
    test(`${o.name}: class ${name}, exported (CommonJS, ESM, typings)`, () => {
      assert.equal(typeof rr[name], 'function', `${name} is exported`)
      assert.equal(rr[name].name, name)
      assert.match(mjs, new RegExp(`\\b${name},`), 'index.mjs exports it')
      block('class', name)
    })
  }

  test('every operation belongs to an object of the table, and each object has one constructor', () => {
    for (const op of table.operations) {
      const owner = op.of === '' ? op.name : op.of
      assert.ok(table.objects.some((o) => o.name === owner), `${op.name} of ${owner}`)
    }
    for (const o of table.objects) assert.equal(table.operations.filter((op) => op.of === '' && op.name === o.name).length, 1, o.name)
  })
})

describe('operations', () => {
  const classOf = (objectName) => table.objects.find((o) => o.name === objectName).classes.node

  test('client: new RemoteRenderingClient takes every option of the table (ClientOptions, nativeOptions)', () => {
    const client = table.operations.find((op) => op.name === 'client' && op.of === '')
    assert.ok(client, 'the table has the client options')
    const typed = block('interface', 'ClientOptions')
    const reads = js.slice(js.indexOf('function nativeOptions('), js.indexOf('function readCa('))
    for (const p of client.params) {
      const name = nodeName(p)
      assert.match(typed, new RegExp(`\\b${name}\\??:`), `ClientOptions.${name}`)
      assert.match(reads, new RegExp(`o\\.${name}\\b`), `nativeOptions reads ${name}`)
    }
  })

  for (const op of table.operations.filter((op) => !(op.name === 'client' && op.of === ''))) {
    const cls = classOf(op.of === '' ? op.name : op.of)
    const ctor = op.of === ''
    const method = ctor ? 'constructor' : camel(op.name)
    const label = ctor ? `new ${cls}` : `${cls}.${method}`
    test(`${op.of || 'constructor'} ${op.name}: ${label} with ${op.params.map(nodeName).join(', ') || 'no parameters'}`, () => {
      const C = rr[cls]
      assert.equal(typeof C, 'function', `${cls} is exported`)
      let source
      if (ctor) {
        // The class's source from its constructor to the next member.
        const text = C.toString()
        const at = text.indexOf('constructor(')
        assert.ok(at >= 0, `${cls} has a constructor`)
        source = text.slice(at, text.indexOf('\n  }\n', at))
      } else {
        const fn = C.prototype[method]
        assert.equal(typeof fn, 'function', `${cls}.${method}`)
        source = fn.toString()
        // The keeper's options are read by the JS layer's leaseOptions.
        if (cls === 'RemoteRenderingClient') source += js.slice(js.indexOf('function leaseOptions('), js.indexOf('// The client'))
      }
      const declared = block('class', cls)
      const decl = declared.split('\n').find((l) => l.trim().startsWith(`${method}(`))
      assert.ok(decl, `index.d.ts declares ${label}`)
      const optionTypes = [...decl.matchAll(/options\??: (\w+)/g)].map((m) => m[1])
      const typed = decl + optionTypes.map((t) => declaredWithParents(t)).join('\n')
      for (const p of op.params) {
        const name = nodeName(p)
        assert.match(source, new RegExp(`\\b${name}\\b`), `${label} takes ${name} (index.js)`)
        assert.match(typed, new RegExp(`\\b${name}\\??:`), `${label} takes ${name} (index.d.ts)`)
      }
      // The required parameters come first, positional, in the table's order; the optional ones
      // of the storage objects are options (as the client's waits take theirs).
      const required = op.params.filter((p) => p.required).map(nodeName)
      assert.deepEqual(positional(decl).slice(0, required.length), required, `${label}: positional ${required.join(', ')}`)
      if (cls !== 'RemoteRenderingClient') {
        for (const p of op.params.filter((p) => !p.required)) {
          assert.ok(!positional(decl).includes(nodeName(p)), `${label}: ${nodeName(p)} is an option, not positional`)
        }
      }
    })
  }

  test('every default of an operation is in rr.defaults, as the table gives it (durations in ms)', () => {
    for (const op of table.operations) {
      for (const p of op.params) {
        if (p.default === undefined || p.default === null) continue
        assert.deepEqual(rr.defaults[camel(op.name)]?.[nodeName(p)], nodeValue(p.default), `${op.name}.${p.name}`)
      }
    }
  })

  test('rr.defaults is keyed by method name: no two operations of the table share one', () => {
    const names = table.operations.map((op) => camel(op.name))
    assert.equal(new Set(names).size, names.length, names.join(', '))
    assert.ok(Object.isFrozen(rr.defaults.upload))
  })

  test('the named defaults of the table are rr.defaults.constants', () => {
    for (const d of table.defaults) assert.deepEqual(rr.defaults.constants[camel(d.name)], nodeValue(d.value), d.name)
  })
})

describe('error fields', () => {
  const base = block('class', 'RemoteRenderingError')
  for (const f of table.error_fields) {
    const name = (f.names && f.names.node) || camel(f.name)
    test(`${f.name}: every error has ${name}, typed, and carried over from the addon`, () => {
      for (const e of table.errors) {
        const err = new rr[e.classes.node]('m', { code: e.code })
        assert.ok(name in err, `${e.classes.node}.${name}`)
      }
      // `message` is Error's own; the others are declared on the base class.
      if (name !== 'message') assert.match(base, new RegExp(`readonly ${name}\\??:`), `index.d.ts: RemoteRenderingError.${name}`)
      const values = {
        code: 'NOT_FOUND',
        message: 'from the addon',
        status: 404,
        msCv: 'cv.1',
        retryAfter: 1500,
        details: { code: 'X', message: 'y' },
        field: 'settings',
        retriable: true,
        session: { id: 's', status: 'Error', size: 'Standard' },
        conversion: { id: 'c', status: 'Failed', settings: {} },
        uploadReport: { uploaded: ['a'], notUploaded: ['b'], bytes: 1 },
        conversionReport: '--- c.result.json\n{}',
      }
      assert.ok(name in values, `the test has a value for ${name}`)
      const fromAddon = Object.assign(new Error(values.message), { code: values.code, retriable: values.retriable, [name]: values[name] })
      const mapped = rr._fromNative(fromAddon)
      const got = mapped[name]
      if (typeof values[name] === 'object') {
        const k = Object.keys(values[name])[0]
        assert.deepEqual(got?.[k], values[name][k], `${name}.${k} carried over`)
      } else {
        assert.equal(got, values[name], `${name} carried over`)
      }
    })
  }
})

describe('enums', () => {
  for (const e of table.enums) {
    test(`${e.name}: rr.${e.name} has exactly the table's values (${e.values.join(', ')}), typed in index.d.ts`, () => {
      assert.deepEqual(Object.keys(rr[e.name]), e.values)
      for (const v of e.values) assert.equal(rr[e.name][v], v)
      const type = dts.match(new RegExp(`export type ${e.name} = ([^\n]+)`))
      assert.ok(type, `index.d.ts declares type ${e.name}`)
      for (const v of e.values) assert.match(type[1], new RegExp(`'${v}'`), `${e.name} '${v}'`)
      const konst = dts.match(new RegExp(`export declare const ${e.name}: Readonly<\\{([^}]*)\\}>`))
      assert.ok(konst, `index.d.ts declares const ${e.name}`)
      for (const v of e.values) assert.match(konst[1], new RegExp(`\\b${v}: '${v}'`), `${e.name}.${v}`)
    })
  }
})

describe('models', () => {
  for (const m of table.models) {
    test(`${m.name}: index.d.ts declares every field (${m.fields.map(camel).join(', ')})`, () => {
      const text = block('interface', m.name)
      for (const f of m.fields) assert.match(text, new RegExp(`\\b${camel(f)}\\??:`), `${m.name}.${camel(f)}`)
    })
  }
})

/** An options interface with the interfaces it extends (their text). */
function declaredWithParents(name) {
  const text = block('interface', name)
  const parents = (text.match(/extends ([^{]+)\{/)?.[1] ?? '')
    .split(/,(?![^<]*>)/)
    .map((s) => s.trim().match(/^(?:Omit<)?(\w+)/)?.[1])
    .filter((n) => n && n !== 'Omit')
  return text + parents.map(declaredWithParents).join('\n')
}

test('a Session and a Conversion from the addon carry the table fields only, under their camelCase names', async () => {
  const { conversionSettings } = require('./support.js')
  const fieldsOf = (name) => table.models.find((m) => m.name === name).fields.map(camel)
  const emu = await rr.Emulator.start({ startupDelay: 0 })
  try {
    const client = emu.client()
    const s = await client.startSession('vocab-session', 'Standard', 10)
    for (const k of Object.keys(s)) assert.ok(fieldsOf('Session').includes(k), `Session.${k} is a table field`)
    for (const k of ['id', 'status', 'size', 'leaseMinutes', 'createdOn']) assert.ok(k in s, `Session.${k}`)
    const c = await client.startConversion('vocab-conversion', conversionSettings())
    for (const k of Object.keys(c)) assert.ok(fieldsOf('Conversion').includes(k), `Conversion.${k} is a table field`)
    for (const k of Object.keys(c.settings)) assert.ok(fieldsOf('ConversionSettings').includes(k), `settings.${k}`)
    for (const k of Object.keys(c.settings.inputLocation)) assert.ok(fieldsOf('ConversionInputSettings').includes(k), `inputLocation.${k}`)
    for (const k of Object.keys(c.settings.outputLocation)) assert.ok(fieldsOf('ConversionOutputSettings').includes(k), `outputLocation.${k}`)
  } finally {
    await emu.stop()
  }
})

test('maxConcurrentRequests: the rule and message are the core’s, checked when the client is made', () => {
  const base = { accountId: '00000000-0000-0000-0000-000000000000', accountDomain: 'eastus.mixedreality.azure.com', region: 'eastus', accountKey: 'a2V5' }
  for (const bad of [0, 4097, 2.5]) {
    let e
    try {
      new rr.RemoteRenderingClient({ ...base, maxConcurrentRequests: bad })
    } catch (err) {
      e = err
    }
    assert.ok(e instanceof rr.InvalidInputError, `${bad}: ${e}`)
    assert.equal(e.field, 'maxConcurrentRequests')
    assert.match(e.message, bad === 2.5 ? /must be a whole number/ : /must be from 1 to 4096/)
  }
  assert.ok(new rr.RemoteRenderingClient({ ...base, maxConcurrentRequests: 1 }))
})
