;; The host round-trip benchmark's module (benchmarks/WasmRoundTrip): "get_many" asks carehost/patient_get for the
;; patient its input names 1000 times and outputs the time that took in nanoseconds (WASI's monotonic clock), as
;; decimal text; "get" asks once and outputs the host's answer (to check the answer is the patient).
(module
  (import "wasi_snapshot_preview1" "clock_time_get" (func $clock (param i32 i64 i32) (result i32)))
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "free" (func $free (param i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "carehost" "patient_get" (func $patient_get (param i64) (result i64)))
  (memory (export "memory") 1)
  (func $input (result i64)
    (local $n i64) (local $block i64) (local $i i64)
    (local.set $n (call $input_length))
    (local.set $block (call $alloc (local.get $n)))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $block) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (local.get $block))
  (func $now (result i64)
    (drop (call $clock (i32.const 1) (i64.const 1) (i32.const 0)))
    (i64.load (i32.const 0)))
  (func (export "get") (result i32)
    (local $reply i64)
    (local.set $reply (call $patient_get (call $input)))
    (call $output_set (local.get $reply) (call $length (local.get $reply)))
    (i32.const 0))
  (func (export "get_many") (result i32)
    (local $id i64) (local $i i32) (local $start i64) (local $took i64) (local $at i32) (local $block i64) (local $n i32)
    (local.set $id (call $input))
    (local.set $start (call $now))
    (block $done
      (loop $calls
        (br_if $done (i32.ge_u (local.get $i) (i32.const 1000)))
        (call $free (call $patient_get (local.get $id)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $calls)))
    (local.set $took (i64.sub (call $now) (local.get $start)))
    ;; decimal digits, written backwards from byte 63 down
    (local.set $at (i32.const 64))
    (loop $digits
      (local.set $at (i32.sub (local.get $at) (i32.const 1)))
      (i32.store8 (local.get $at) (i32.add (i32.const 48) (i32.wrap_i64 (i64.rem_u (local.get $took) (i64.const 10)))))
      (local.set $took (i64.div_u (local.get $took) (i64.const 10)))
      (br_if $digits (i64.ne (local.get $took) (i64.const 0))))
    (local.set $n (i32.sub (i32.const 64) (local.get $at)))
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $n))))
    (local.set $i (i32.const 0))
    (block $copied
      (loop $copy
        (br_if $copied (i32.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $at) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (call $output_set (local.get $block) (i64.extend_i32_u (local.get $n)))
    (i32.const 0)))
