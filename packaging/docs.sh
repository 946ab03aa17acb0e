#!/usr/bin/env bash
# The API reference of every language, from the code, into dist/docs/ (make docs):
#
#   dist/docs/rust/     rustdoc of the core (remote-rendering, with its models); the core
#                       denies missing_docs, so an undocumented public item fails the build
#   dist/docs/python/   pdoc of remote_rendering, .aio and .emulator (from the x86_64 wheel in
#                       dist/, or a debug build when there is none); every public class,
#                       function, method and property must have a docstring
#   dist/docs/node/     typedoc of node/index.d.ts; every exported class, interface, function,
#                       method and constant must have a doc comment (warnings are errors)
#   dist/docs/c/        the C header's reference page; every declaration must have a comment
#   dist/docs/java/     javadoc of com.remoterendering (the JDK's javadoc); every public class,
#                       constructor and method must have a doc comment, and doclint's other
#                       checks (HTML, references, syntax) are errors
#   dist/docs/index.html
source "$(dirname "$0")/common.sh"
dist_tools
OUT=$DIST/docs
rm -rf "$OUT"
mkdir -p "$OUT"

step "Rust: cargo doc (missing_docs denied in the core)"
cargo doc --no-deps --locked -p remote-rendering -p remote-rendering-models 2>&1 | grep -v '^ *Documenting ' >&2
cp -r target/doc "$OUT/rust"

step "Python: docstrings and pdoc"
venv=$ROOT/target/docs-venv
[[ -x $venv/bin/python ]] || "$PYTHON" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pdoc>=14,<17"
wheel=$(ls "$DIST"/remote_rendering-"$VERSION"-cp39-abi3-*manylinux_2_17_x86_64*.whl 2>/dev/null | head -n 1 || true)
if [[ -n $wheel ]]; then
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --force-reinstall --no-deps "$wheel"
else
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "maturin>=1.9,<2"
  (cd python && VIRTUAL_ENV=$venv "$venv/bin/maturin" develop --quiet)
fi
"$venv/bin/python" packaging/check_docstrings.py
"$venv/bin/python" -m pdoc --docformat markdown -o "$OUT/python" remote_rendering remote_rendering.aio \
  remote_rendering.emulator

step "Node: typedoc of node/index.d.ts"
tools=$ROOT/target/docs-tools/node
if [[ ! -x $tools/node_modules/.bin/typedoc ]]; then
  mkdir -p "$tools"
  echo '{ "private": true }' >"$tools/package.json"
  (cd "$tools" && npm install --no-audit --no-fund --loglevel=error typedoc@0.28 typescript@~5.9.0 @types/node@^20)
fi
cat >"$tools/tsconfig.json" <<JSON
{ "compilerOptions": { "strict": true, "module": "nodenext", "moduleResolution": "nodenext", "target": "es2022",
    "lib": ["es2022", "esnext.disposable"], "types": ["node"], "typeRoots": ["$tools/node_modules/@types"] },
  "files": ["$ROOT/node/index.d.ts"] }
JSON
required=()
for kind in Class Interface Function Method Accessor TypeAlias Enum Variable; do
  required+=(--requiredToBeDocumented "$kind")
done
(cd node && "$tools/node_modules/.bin/typedoc" --entryPoints index.d.ts --tsconfig "$tools/tsconfig.json" \
  --out "$OUT/node" --name "remote-rendering (Node.js) $VERSION" --readme npm/README.md --disableSources \
  --validation.notDocumented "${required[@]}" --treatWarningsAsErrors --logLevel Warn)

step "C: the header's reference page"
"$TOOLS/bin/python" packaging/c_header_docs.py include/remote_rendering.h "$OUT/c"
cp include/remote_rendering.h include/remote_rendering.hpp "$OUT/c/"

step "Java: javadoc of com.remoterendering"
# doclint's "missing" group also wants an @param and @return on every method; the rule here is
# the other languages' (a doc comment on every public item), so only "no comment" fails.
missing=$(javadoc -quiet -Xdoclint:missing -d "$ROOT/target/javadoc-check" -sourcepath java/src/main/java \
  com.remoterendering 2>&1 | grep -A1 ': warning: no comment' || true)
rm -rf "$ROOT/target/javadoc-check"
[[ -z $missing ]] || { echo "public Java items without a doc comment:" >&2; echo "$missing" >&2; exit 1; }
javadoc -quiet -Xdoclint:all,-missing -Werror -d "$OUT/java" -sourcepath java/src/main/java \
  -doctitle "remote-rendering (Java) $VERSION" -windowtitle "remote-rendering $VERSION" com.remoterendering >&2

cat >"$OUT/index.html" <<HTML
<!doctype html>
<html><head><meta charset="utf-8"><title>remote-rendering $VERSION: API reference</title></head>
<body style="font-family:sans-serif;max-width:700px;margin:auto">
<h1>remote-rendering $VERSION: API reference</h1>
<ul>
<li><a href="rust/remote_rendering/index.html">Rust</a>: the core, <code>remote-rendering</code></li>
<li><a href="python/remote_rendering.html">Python</a>: <code>remote_rendering</code>, <code>.aio</code>, <code>.emulator</code></li>
<li><a href="node/index.html">Node.js</a>: <code>remote-rendering</code></li>
<li><a href="java/index.html">Java</a>: <code>com.remoterendering</code></li>
<li><a href="c/index.html">C</a>: <code>remote_rendering.h</code> (and the C++17 wrapper <code>remote_rendering.hpp</code>)</li>
</ul></body></html>
HTML
echo "docs: $OUT/index.html"
