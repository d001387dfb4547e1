;; Asks WASI for /etc/passwd through the first preopened folder (fd 3) and outputs WASI's answer: the errno
;; (8 = EBADF: there is no preopened folder at all), or "opened" if it got a file.
(module
  (import "wasi_snapshot_preview1" "path_open"
    (func $path_open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (data (i32.const 16) "/etc/passwd")
  (data (i32.const 32) "opened")
  (func $out (param $ptr i32) (param $len i32)
    (local $block i64) (local $i i32)
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (call $output_set (local.get $block) (i64.extend_i32_u (local.get $len))))
  (func (export "read_etc") (result i32)
    (local $errno i32)
    ;; dirfd 3, lookup flags 0, path at 16 (11 bytes), oflags 0, rights: read, inheriting 0, fdflags 0, fd out at 48
    (local.set $errno (call $path_open (i32.const 3) (i32.const 0) (i32.const 16) (i32.const 11) (i32.const 0)
      (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 48)))
    (if (i32.eqz (local.get $errno))
      (then (call $out (i32.const 32) (i32.const 6)))
      (else
        ;; two decimal digits of the errno at 64
        (i32.store8 (i32.const 64) (i32.add (i32.const 48) (i32.div_u (local.get $errno) (i32.const 10))))
        (i32.store8 (i32.const 65) (i32.add (i32.const 48) (i32.rem_u (local.get $errno) (i32.const 10))))
        (call $out (i32.const 64) (i32.const 2))))
    (i32.const 0)))
