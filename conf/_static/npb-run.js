// The book's in-page Python: run buttons on the chapters' code cells and the diagnoser's box.
//
// Where the book was built with its runtime (`make wasm`), _static/npb-runtime.js sets
// window.NPB_RUNTIME to the wheels to load; otherwise it is null and this script leaves the
// page as it is. Nothing is loaded until the reader presses a button: then Pyodide, NumPy and
// npbackprop load from the book's own _runtime/ folder (never another host), and the page's
// cells come from the chapter's notebook (_sources/<page>.ipynb, which also holds the cells
// the page hides). The Python side is npbackprop._page (Cells, diagnose_text).
//
// The build marks each code cell: npb-cell-<index> and npb-runs when it runs in the page, or
// npb-needs-<module> when it needs a module the page's Python lacks (conf/notebooks.py).
"use strict";

(() => {
  const config = window.NPB_RUNTIME;
  const NEEDS = {
    matplotlib: "Matplotlib",
    autograd: "autograd",
    ml_dtypes: "ml_dtypes",
    sklearn: "scikit-learn",
    ipython: "IPython's display",
  };
  const root = new URL(document.documentElement.dataset.content_root || "./", location.href);
  const timings = (window.npbTimings = []);

  let runtime = null; // the promise of a started Pyodide with npbackprop loaded
  let notebook = null; // the promise of the page's cells, from its .ipynb
  let kernel = null; // npbackprop._page.Cells(), one per page
  const ran = new Set(); // the cell indices that have run in the kernel

  // This page's address relative to the site's root (answer/check-your-own.html).
  const pagePath = () => decodeURI(location.pathname).slice(decodeURI(root.pathname).length);

  function serverAdvice() {
    return (
      "The page's Python cannot start from a file:// address: a browser does not let a page " +
      "opened from a file load WebAssembly. Serve the book instead. In the folder that holds " +
      "the book's index.html, run\n\n    python3 -m http.server 8000\n\nand open " +
      `http://127.0.0.1:8000/${pagePath()}\n\n(In a copy of the book's repository, after ` +
      "make html: python -m http.server -d _build/html 8000, or make serve.)"
    );
  }

  function startRuntime(status) {
    if (runtime) return runtime;
    runtime = (async () => {
      if (location.protocol === "file:") throw new Error(serverAdvice());
      const t0 = performance.now();
      const base = new URL("_runtime/", root).href;
      status("Starting Python in the page (the first time takes a few seconds)…");
      const { loadPyodide } = await import(base + "pyodide.mjs");
      const py = await loadPyodide({ indexURL: base });
      status("Loading NumPy and npbackprop…");
      await py.loadPackage(
        config.wheels.map((w) => base + w),
        { messageCallback: () => {}, errorCallback: (m) => console.warn(m) },
      );
      py.runPython("from npbackprop import _page");
      timings.push({ what: "runtime", ms: performance.now() - t0 });
      return py;
    })();
    runtime.catch(() => {
      runtime = null; // a later press tries again
    });
    return runtime;
  }

  function pageNotebook() {
    if (notebook) return notebook;
    const link = document.querySelector('.dropdown-download-buttons a[href$=".ipynb"]');
    notebook = (async () => {
      if (!link) throw new Error("This page has no notebook to take its cells from.");
      const response = await fetch(new URL(link.getAttribute("href"), location.href));
      if (!response.ok) throw new Error(`The page's notebook did not load (${response.status}).`);
      const nb = await response.json();
      return nb.cells
        .filter((c) => c.cell_type === "code" && c.metadata && c.metadata.npbackprop)
        .map((c) => ({
          index: c.metadata.npbackprop.cell,
          runs: c.metadata.npbackprop.page_needs.length === 0,
          source: [].concat(c.source).join(""),
          part: c.metadata.npbackprop.page_source ?? null,
        }));
    })();
    notebook.catch(() => {
      notebook = null;
    });
    return notebook;
  }

  // One run at a time: a second press waits for the first (the cells share one namespace).
  let queue = Promise.resolve();
  function oneAtATime(task) {
    const run = queue.then(task, task);
    queue = run.catch(() => {});
    return run;
  }

  // Typing code: Enter keeps the line's indentation (and adds four spaces after a colon).
  // Tab is left to move between the page's controls, so that the keyboard never gets stuck.
  function codeKeys(event) {
    const field = event.currentTarget;
    if (event.key === "Enter" && !event.shiftKey && !event.ctrlKey && !event.isComposing) {
      let before;
      if (field.tagName === "TEXTAREA") {
        before = field.value.slice(0, field.selectionStart);
      } else {
        const range = getSelection().getRangeAt(0).cloneRange();
        range.setStart(field, 0);
        before = range.toString();
      }
      const line = before.slice(before.lastIndexOf("\n") + 1);
      let indent = /^[ ]*/.exec(line)[0];
      if (/:\s*$/.test(line)) indent += "    ";
      event.preventDefault();
      document.execCommand("insertText", false, "\n" + indent);
    }
  }

  // The theme takes every <pre> that does not scroll out of the tab order (tabIndex -1, again
  // whenever the page changes); an editable cell and the report must stay reachable.
  const keepFocusable = new MutationObserver((records) => {
    for (const r of records) if (r.target.tabIndex < 0) r.target.tabIndex = 0;
  });
  function focusable(element) {
    element.tabIndex = 0;
    keepFocusable.observe(element, { attributes: true, attributeFilter: ["tabindex"] });
  }

  const repaint = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));

  function domCell(index) {
    return document.querySelector(`div.cell.npb-cell-${index}`);
  }

  function codeOf(cell) {
    const pre = cell && cell.querySelector(".cell_input pre");
    if (!pre) return null;
    return pre.checkVisibility() ? pre.innerText : pre.textContent;
  }

  function show(cell, text, ok) {
    const box = cell.querySelector(".run-output");
    box.hidden = false;
    box.classList.toggle("run-failed", !ok);
    box.querySelector("pre").textContent = text; // empty: the CSS says "no output"
  }

  // Run the cells before `target` that have not run (whole when they run in the page, their
  // runnable statements when not), then the target itself, with the code the reader sees.
  async function runCell(target, status) {
    const py = await startRuntime(status);
    const cells = await pageNotebook();
    if (!kernel) kernel = py.runPython("_page.Cells()");
    const index = Number(/npb-cell-(-?\d+)/.exec(target.className)[1]);
    for (const cell of cells) {
      if (cell.index >= index) break;
      if (ran.has(cell.index)) continue;
      const shown = cell.runs ? domCell(cell.index) : null;
      const source = cell.runs ? (shown && codeOf(shown)) ?? cell.source : cell.part;
      if (source === null) {
        ran.add(cell.index);
        continue;
      }
      const number = shown && shown.dataset.npbNumber;
      const name = number ? `cell ${number}` : "a setup cell";
      status(`Running the cells above it first (${name})…`);
      await repaint();
      const result = kernel.run(source, name);
      const [output, ok] = [result.output, result.ok];
      result.destroy();
      if (shown && shown.querySelector(".run-output")) show(shown, output, ok);
      if (!ok) {
        // not marked as run: the next press tries it again
        const where = number ? `cell ${number}, which shows the error` : "a setup cell";
        throw new Error(`An earlier cell failed (${where}):\n${output}`);
      }
      ran.add(cell.index);
    }
    status("Running…");
    await repaint();
    const t0 = performance.now();
    const result = kernel.run(codeOf(target), `cell ${target.dataset.npbNumber}`);
    timings.push({ what: "cell", ms: performance.now() - t0 });
    if (result.ok) ran.add(index);
    else ran.delete(index); // a failed cell runs again before the next one
    const out = [result.output, result.ok];
    result.destroy();
    return out;
  }

  function addRunButtons() {
    let n = 0;
    for (const cell of document.querySelectorAll("div.cell[class*='npb-cell-']")) {
      const input = cell.querySelector(".cell_input");
      if (!input) continue; // the page shows only the cell's output
      n += 1;
      cell.dataset.npbNumber = String(n);
      if (!cell.classList.contains("npb-runs")) {
        const needs = [...cell.classList]
          .filter((c) => c.startsWith("npb-needs-"))
          .map((c) => NEEDS[c.slice(10)] || c.slice(10));
        const note = document.createElement("p");
        note.className = "run-note";
        note.textContent =
          `Runs in the chapter's notebook, not in the page: it needs ${needs.join(" and ")}, ` +
          "which the page's Python does not have.";
        (input.closest("details") || input).after(note);
        continue;
      }
      const pre = input.querySelector("pre");
      pre.setAttribute("contenteditable", "plaintext-only");
      focusable(pre);
      pre.setAttribute("spellcheck", "false");
      pre.setAttribute("role", "textbox");
      pre.setAttribute("aria-multiline", "true");
      pre.setAttribute("aria-label", `Code of cell ${n}, editable`);
      // Keys typed into the code are the reader's: the theme's shortcuts ("/" opens its
      // search) must not take them.
      pre.addEventListener("keydown", (event) => {
        event.stopPropagation();
        codeKeys(event);
      });
      const bar = document.createElement("div");
      bar.className = "run-bar";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "run-cell";
      button.textContent = "Run";
      button.setAttribute("aria-label", `Run cell ${n} in the page`);
      const state = document.createElement("span");
      state.className = "run-status";
      state.setAttribute("role", "status");
      state.textContent = "You can edit the code above (Enter keeps the indentation).";
      bar.append(button, state);
      // after the input, or after the toggle that hides it (a hide-input cell): always shown
      (input.closest("details") || input).after(bar);
      const box = document.createElement("div");
      box.className = "run-output";
      box.hidden = true;
      box.setAttribute("aria-label", `Output of cell ${n} in the page`);
      const label = document.createElement("p");
      label.className = "run-label";
      const why = document.createElement("a");
      why.href = new URL("index.html#run-the-code-in-the-page", root).href;
      why.textContent = "why a last digit may differ";
      label.append("Your run, in this page (", why, "):");
      box.append(label, document.createElement("pre"));
      cell.append(box);
      button.addEventListener("click", async () => {
        button.disabled = true;
        try {
          const [output, ok] = await oneAtATime(() =>
            runCell(cell, (s) => (state.textContent = s)),
          );
          show(cell, output, ok);
          state.textContent = ok ? "Ran in the page." : "The cell raised an error.";
        } catch (error) {
          show(cell, error.message, false);
          state.textContent = "Did not run.";
        } finally {
          button.disabled = false;
        }
      });
    }
  }

  function setUpDiagnoser() {
    const form = document.getElementById("diagnose-box");
    if (!form) return;
    form.hidden = false;
    const fallback = document.getElementById("diagnose-static");
    if (fallback) fallback.hidden = true;
    const button = document.getElementById("diagnose-run");
    const output = document.getElementById("diagnose-output");
    const state = document.getElementById("diagnose-status");
    const input = document.getElementById("diagnose-input");
    input.addEventListener("keydown", codeKeys);
    focusable(output);
    if (location.protocol === "file:") {
      state.textContent = "Opened as a file: press the button to see how to serve the book.";
    }

    // The box starts with the function of the page's example cell (data-example), without the
    // lines of that cell that check it.
    const name = form.dataset.example;
    for (const pre of name && !input.value ? document.querySelectorAll(".cell_input pre") : []) {
      const lines = pre.textContent.split("\n");
      const start = lines.findIndex((l) => l.startsWith(`def ${name}(`));
      if (start < 0) continue;
      let end = start + 1;
      while (end < lines.length && !/^\S/.test(lines[end])) end += 1;
      const body = lines.slice(start, end).join("\n").trimEnd();
      input.value = `import numpy as np\n\n\n${body}\n`;
      break;
    }
    // The button submits the form (so Enter in a field checks too); the page never reloads.
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (button.disabled) return;
      button.disabled = true;
      output.classList.remove("run-failed");
      try {
        const py = await startRuntime((s) => (state.textContent = s));
        state.textContent = "Checking your function…";
        await repaint();
        const t0 = performance.now();
        const diagnose = py.globals.get("_page").diagnose_text;
        const result = diagnose(
          input.value,
          document.getElementById("diagnose-function").value,
          document.getElementById("diagnose-options").value,
        );
        diagnose.destroy();
        timings.push({ what: "diagnose", ms: performance.now() - t0 });
        output.textContent = result.output;
        output.classList.toggle("run-failed", !result.ok);
        state.textContent = [
          "Every gradient is right.",
          "Not all right: see below.",
          "Could not check: see below.",
        ][result.status];
        result.destroy();
      } catch (error) {
        output.textContent = error.message;
        output.classList.add("run-failed");
        state.textContent = "Did not run.";
      } finally {
        output.hidden = false;
        button.disabled = false;
      }
    });
  }

  // For the browser tests (tests/test_site_runtime.py): the started Pyodide, loading it if needed.
  window.npbRuntime = () => startRuntime(() => {});

  function start() {
    if (!config) return; // a static book: no runtime was built
    addRunButtons();
    setUpDiagnoser();
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
