;; Hands Extism's http_request the request its input holds ({"url":...,"method":...}) and outputs the response's body
;; ("fetch"). The host runs the request as done for the plugin: the run-time agent checks the connection against the
;; plugin's use:network grant.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "extism:host/env" "http_request" (func $http_request (param i64 i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "fetch") (result i32)
    (local $n i64) (local $block i64) (local $i i64) (local $reply i64)
    (local.set $n (call $input_length))
    (local.set $block (call $alloc (local.get $n)))
    (block $done
      (loop $copy
        (br_if $done (i64.ge_u (local.get $i) (local.get $n)))
        (call $store_u8 (i64.add (local.get $block) (local.get $i)) (call $input_load_u8 (local.get $i)))
        (local.set $i (i64.add (local.get $i) (i64.const 1)))
        (br $copy)))
    (local.set $reply (call $http_request (local.get $block) (i64.const 0)))
    (if (i64.ne (local.get $reply) (i64.const 0))
      (then (call $output_set (local.get $reply) (call $length (local.get $reply)))))
    (i32.const 0)))
