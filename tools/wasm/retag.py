"""Retag a NumPy wheel cross-built for wasm32 as a Pyodide (pyemscripten) wheel.

    python retag.py BUILT.whl OUTDIR cp314 pyemscripten_2026_0_wasm32

The build runs an x86_64 CPython, so meson names the extension modules with its suffix
(``.cpython-314-x86_64-linux-gnu.so``) and the wheel tag is linux_x86_64. This renames the
modules to ``.cpython-314-wasm32-emscripten.so``, sets the tag, drops the test suites (``tests``
directories: a third of the wheel, never run in the page) and rewrites RECORD.
"""

import base64
import hashlib
import re
import sys
import zipfile
from pathlib import Path


def main(built: str, outdir: str, abi: str, platform: str) -> None:
    src = Path(built)
    name, version = src.name.split("-")[:2]
    out = Path(outdir) / f"{name}-{version}-{abi}-{abi}-{platform}.whl"
    dist_info = f"{name}-{version}.dist-info"
    records = []
    renamed = dropped = 0
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            path = info.filename
            if path == f"{dist_info}/RECORD":
                continue
            if "/tests/" in f"/{path}":
                dropped += 1
                continue
            data = zin.read(info)
            new = re.sub(r"\.cpython-\d+-[\w-]+?\.so$", f".cpython-{abi[2:]}-wasm32-emscripten.so", path)
            renamed += new != path
            if path == f"{dist_info}/WHEEL":
                text = data.decode()
                text = re.sub(r"^Tag: .*$", f"Tag: {abi}-{abi}-{platform}", text, flags=re.M)
                text = re.sub(r"^Root-Is-Purelib: .*$", "Root-Is-Purelib: false", text, flags=re.M)
                data = text.encode()
            zout.writestr(new, data, compress_type=zipfile.ZIP_DEFLATED)
            digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            records.append(f"{new},sha256={digest.decode()},{len(data)}")
        records.append(f"{dist_info}/RECORD,,")
        zout.writestr(f"{dist_info}/RECORD", "\n".join(records) + "\n")
    if renamed == 0:
        sys.exit(f"retag: no extension module renamed in {src.name}")
    print(f"retag: {out.name}: {renamed} modules renamed, {dropped} test files dropped, "
          f"{out.stat().st_size} bytes")


if __name__ == "__main__":
    main(*sys.argv[1:])
