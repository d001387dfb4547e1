;; Grows its linear memory a page at a time until the host refuses, then reports how many pages it holds
;; ("grow" writes the number as its output); "grow_and_trap" traps once refused, as a program out of memory does.
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (memory (export "memory") 1)
  (func $grow_all
    (block $refused
      (loop $more
        (br_if $refused (i32.eq (memory.grow (i32.const 1)) (i32.const -1)))
        (br $more))))
  (func (export "grow") (result i32)
    (local $pages i32) (local $digits i32) (local $block i64) (local $i i32)
    (call $grow_all)
    (local.set $pages (memory.size))
    ;; decimal digits of $pages into linear memory at 0.., reversed
    (loop $digit
      (i32.store8 (local.get $digits) (i32.add (i32.const 48) (i32.rem_u (local.get $pages) (i32.const 10))))
      (local.set $digits (i32.add (local.get $digits) (i32.const 1)))
      (local.set $pages (i32.div_u (local.get $pages) (i32.const 10)))
      (br_if $digit (i32.ne (local.get $pages) (i32.const 0))))
    (local.set $block (call $alloc (i64.extend_i32_u (local.get $digits))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $digits)))
        (call $store_u8 (i64.add (local.get $block) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.sub (i32.sub (local.get $digits) (i32.const 1)) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (call $output_set (local.get $block) (i64.extend_i32_u (local.get $digits)))
    (i32.const 0))
  (func (export "grow_and_trap") (result i32)
    (call $grow_all)
    unreachable))
