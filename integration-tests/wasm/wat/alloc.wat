;; Red team 19: the Extism kernel's alloc grew the kernel's own memory, which had no limit, by 256 MiB a time. Each
;; function answers 0 (success) when alloc behaved as the container promises and 1 (an Extism error) when not: a small
;; allocation is given, one of 256 MiB is refused (alloc answers 0).
(module
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "small") (result i32)
    (if (result i32) (i64.eqz (call $alloc (i64.const 1024)))
      (then (i32.const 1))
      (else (i32.const 0))))
  (func (export "big") (result i32)
    (if (result i32) (i64.eqz (call $alloc (i64.const 268435456)))
      (then (i32.const 0))
      (else (i32.const 1)))))
