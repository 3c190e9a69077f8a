//! What code in a worker may not do to the process. Pool workers and Web
//! Workers are threads of the one knit process: changing its working
//! directory, aborting it or signalling it would move or end every pool and
//! the program itself (Deno allows them because a Deno worker is usually
//! the program's own code). In knit's workers these ops refuse with
//! NotCapable; the main thread keeps Deno's behaviour. `Deno.exit` is
//! guarded separately (it throws in pool workers: `08_worker.js`).
//!
//! Ops are swapped by the runtime's op middleware, so every route to them is
//! covered (`Deno.chdir` and `process.chdir`, `process.abort` and the
//! `abort` export of `node:process`). `Deno.kill` has no other route than
//! its JS function and is wrapped in `confine.js`, which also removes
//! `Deno[Deno.internal]`; [`confine_runtime`] runs it.

use std::borrow::Cow;
use std::path::PathBuf;

use deno_core::op2;
use deno_core::Extension;
use deno_core::OpDecl;
use deno_core::OpState;
use deno_error::JsErrorBox;
use deno_runtime::deno_permissions::OpenAccessKind;
use deno_runtime::deno_permissions::PermissionsContainer;

/// The op middleware of a worker runtime.
pub fn confine_op(op: OpDecl) -> OpDecl {
  match op.name {
    "op_fs_chdir" => op.with_implementation_from(&op_knitting_chdir_refused()),
    "op_process_abort" => op.with_implementation_from(&op_knitting_abort_refused()),
    #[cfg(unix)]
    "op_node_process_kill" => op.with_implementation_from(&op_knitting_node_process_kill()),
    "op_exec_path" => op.with_implementation_from(&op_knitting_exec_path()),
    _ => op,
  }
}

/// `extension` with the worker middleware.
pub fn confined(mut extension: Extension) -> Extension {
  extension.middleware_fn = Some(Box::new(confine_op));
  extension
}

/// An extension that only confines (for a runtime without deno_knitting).
pub fn confinement() -> Extension {
  confined(Extension {
    name: "knit_confinement",
    ..Default::default()
  })
}

fn refused(what: &str, instead: &str) -> JsErrorBox {
  JsErrorBox::new(
    "NotCapable",
    format!("{what} is not allowed in a worker: the process is shared by every pool and the program itself. {instead}"),
  )
}

#[op2(fast, stack_trace)]
fn op_knitting_chdir_refused(#[string] _directory: &str) -> Result<(), JsErrorBox> {
  Err(refused(
    "Changing the working directory (Deno.chdir, process.chdir)",
    "Use absolute paths, or resolve paths against a directory of your own.",
  ))
}

#[op2(fast, stack_trace)]
fn op_knitting_abort_refused() -> Result<(), JsErrorBox> {
  Err(refused(
    "process.abort()",
    "Throw an error instead: the call rejects with it.",
  ))
}

/// `process.kill` as in deno_node (on Unix), except that the own process (its pid, or
/// a process group it is in: 0 and negative pids) cannot be signalled.
#[cfg(unix)]
#[op2(fast, stack_trace)]
#[smi]
fn op_knitting_node_process_kill(state: &mut OpState, #[smi] pid: i32, #[smi] sig: i32) -> Result<i32, JsErrorBox> {
  if pid <= 0 || pid == std::process::id() as i32 {
    return Err(refused(
      "Signalling knit's own process (process.kill(process.pid), or a process group)",
      "Throw an error instead: the call rejects with it.",
    ));
  }
  state
    .borrow_mut::<PermissionsContainer>()
    .check_run_all("process.kill")
    .map_err(JsErrorBox::from_err)?;
  Ok(kill(pid, sig))
}

#[cfg(unix)]
fn kill(pid: i32, sig: i32) -> i32 {
  // SAFETY: kill(2) takes plain integers.
  if unsafe { libc::kill(pid, sig) } < 0 {
    std::io::Error::last_os_error().raw_os_error().unwrap_or(-1)
  } else {
    0
  }
}

/// `Deno.execPath()`: the path when the policy may read the executable; else
/// only its file name ("knit"), so task code learns nothing of where knit
/// and its user's files live (node's bootstrap asks for it, so it cannot
/// throw).
#[op2]
#[string]
fn op_knitting_exec_path(state: &mut OpState) -> Result<String, JsErrorBox> {
  let exe = std::env::current_exe().map_err(JsErrorBox::from_err)?;
  let exe: PathBuf = deno_path_util::normalize_path(Cow::Owned(exe)).into_owned();
  let readable = state
    .borrow_mut::<PermissionsContainer>()
    .check_open(
      Cow::Borrowed(exe.as_path()),
      OpenAccessKind::ReadNoFollow,
      Some("Deno.execPath()"),
    )
    .is_ok();
  let shown = match readable {
    true => exe.as_os_str(),
    false => exe.file_name().unwrap_or_default(),
  };
  Ok(shown.to_string_lossy().into_owned())
}

/// How the current thread, which runs one worker, opens files: without
/// following symlinks when its permission checks resolve them (`checked`: the
/// paths they pass have none, so a symlink that appears after a check, a
/// directory renamed away and back, fails the open instead of leading
/// outside), and holding at most `max_open_files` open at once.
pub fn confine_thread(checked: bool, max_open_files: Option<usize>) {
  deno_runtime::deno_fs::set_open_without_symlinks_for_thread(checked);
  deno_runtime::deno_fs::set_open_file_limit_for_thread(max_open_files);
}

/// Confines a worker runtime whose bootstrap made `Deno` and in which no
/// code of the program has run yet (see `confine.js`).
pub fn confine_runtime(runtime: &mut deno_core::JsRuntime) -> Result<(), Box<deno_core::error::JsError>> {
  runtime
    .execute_script("knit:confine", include_str!("confine.js"))
    .map(drop)
}

/// The process's standard streams, as task code sees them: stdin only to a
/// policy that may read everything (`read: true`, `unsafe`): it belongs to
/// the program, and a task reading it takes input meant for the host; stdout
/// and stderr only when the pool shows task output (`console`), so
/// `console: false` also silences `Deno.stdout`/`process.stdout`. A stream
/// withheld reads as empty and swallows writes (`/dev/null`), for every route
/// to it (`Deno.stdin`, `process.stdin`, `fs.readSync(0)`).
pub fn confine_stdio(state: &mut OpState, stdin: bool, output: bool) -> std::io::Result<()> {
  use deno_runtime::deno_io::fs::File;
  use deno_runtime::deno_io::fs::FileResource;
  use deno_runtime::deno_io::FdTable;
  use deno_runtime::deno_io::StdFileResourceInner;
  for (fd, name, withheld) in [(0, "stdin", !stdin), (1, "stdout", !output), (2, "stderr", !output)] {
    if !withheld || !state.resource_table.has(fd as u32) {
      continue;
    }
    let null = std::fs::OpenOptions::new().read(true).write(true).open(NULL_DEVICE)?;
    let file: std::rc::Rc<dyn File> = std::rc::Rc::new(StdFileResourceInner::file(null, None));
    state
      .resource_table
      .replace(fd as u32, FileResource::new(file.clone(), name.to_string()));
    if let Some(table) = state.try_borrow_mut::<FdTable>() {
      table.remove(fd);
      table.register(fd, file);
    }
  }
  Ok(())
}

#[cfg(unix)]
const NULL_DEVICE: &str = "/dev/null";
#[cfg(windows)]
const NULL_DEVICE: &str = "NUL";
