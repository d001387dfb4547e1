;; A patient validator written in WebAssembly text, run by Carehost as a WebAssembly plugin (kind=validator).
;; validate: input a FHIR Patient (JSON), output a JSON array of issues ([] when it is valid):
;;   - an error when there is no birthDate;
;;   - an error when the first identifier value is already registered: it asks the host (carehost/patient_search,
;;     which needs read:patients) for patients with that identifier.
;; Extism's ABI: the input is read with input_length/input_load_u8, the output set with alloc/store_u8/output_set.
(module
  (import "extism:host/env" "input_length" (func $input_length (result i64)))
  (import "extism:host/env" "input_load_u8" (func $input_load_u8 (param i64) (result i32)))
  (import "extism:host/env" "alloc" (func $alloc (param i64) (result i64)))
  (import "extism:host/env" "store_u8" (func $store_u8 (param i64 i32)))
  (import "extism:host/env" "load_u8" (func $load_u8 (param i64) (result i32)))
  (import "extism:host/env" "length" (func $length (param i64) (result i64)))
  (import "extism:host/env" "output_set" (func $output_set (param i64 i64)))
  (import "carehost" "patient_search" (func $patient_search (param i64) (result i64)))

  ;; 0..1023: constants; 1024..: the output; 65536..: the input; 196608..: the host's reply
  (memory (export "memory") 8)
  (data (i32.const 0) "\"birthDate\"")                                              ;; 0, 11
  (data (i32.const 16) "\"value\":\"")                                               ;; 16, 9
  (data (i32.const 32) "{\"severity\":\"error\",\"path\":\"Patient.birthDate\",\"message\":\"a birth date is required\"}")  ;; 32, 84
  (data (i32.const 128) "{\"severity\":\"error\",\"path\":\"Patient.identifier\",\"message\":\"this identifier is already registered\"}") ;; 128, 98
  (data (i32.const 240) "{\"identifier\":\"")                                        ;; 240, 15
  (data (i32.const 256) "\",\"limit\":1}")                                           ;; 256, 12
  (data (i32.const 272) "\"total\":0")                                               ;; 272, 9
  (data (i32.const 288) "\"error\"")                                                 ;; 288, 7
  (data (i32.const 304) "{\"severity\":\"warning\",\"path\":\"Patient.identifier\",\"message\":\"the registry could not be asked\"}") ;; 304, 94

  (global $out (mut i32) (i32.const 1024))
  (global $issues (mut i32) (i32.const 0))

  (func $emit (param $ptr i32) (param $len i32)
    (memory.copy (global.get $out) (local.get $ptr) (local.get $len))
    (global.set $out (i32.add (global.get $out) (local.get $len))))

  (func $issue (param $ptr i32) (param $len i32)
    (if (global.get $issues) (then
      (i32.store8 (global.get $out) (i32.const 44))
      (global.set $out (i32.add (global.get $out) (i32.const 1)))))
    (call $emit (local.get $ptr) (local.get $len))
    (global.set $issues (i32.add (global.get $issues) (i32.const 1))))

  ;; index of needle in hay[from..len), or -1
  (func $find (param $hay i32) (param $len i32) (param $needle i32) (param $nlen i32) (param $from i32) (result i32)
    (local $i i32) (local $j i32)
    (local.set $i (local.get $from))
    (block $none
      (loop $next
        (br_if $none (i32.gt_s (i32.add (local.get $i) (local.get $nlen)) (local.get $len)))
        (local.set $j (i32.const 0))
        (block $mismatch
          (loop $compare
            (if (i32.ge_u (local.get $j) (local.get $nlen)) (then (return (local.get $i))))
            (br_if $mismatch (i32.ne
              (i32.load8_u (i32.add (local.get $hay) (i32.add (local.get $i) (local.get $j))))
              (i32.load8_u (i32.add (local.get $needle) (local.get $j)))))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $compare)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $next)))
    (i32.const -1))

  ;; copies linear memory into a new Extism block
  (func $block (param $ptr i32) (param $len i32) (result i64)
    (local $b i64) (local $i i32)
    (local.set $b (call $alloc (i64.extend_i32_u (local.get $len))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $len)))
        (call $store_u8 (i64.add (local.get $b) (i64.extend_i32_u (local.get $i)))
          (i32.load8_u (i32.add (local.get $ptr) (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (local.get $b))

  ;; asks the host whether a patient has the identifier at input[$at..$end)
  (func $check_identifier (param $at i32) (param $end i32)
    (local $q i32) (local $reply i64) (local $rlen i32) (local $i i32)
    ;; the query at 900: {"identifier":"<value>","limit":1}  (values longer than 100 bytes are not checked)
    (if (i32.gt_u (i32.sub (local.get $end) (local.get $at)) (i32.const 100)) (then (return)))
    (local.set $q (i32.const 900))
    (memory.copy (local.get $q) (i32.const 240) (i32.const 15))
    (memory.copy (i32.add (local.get $q) (i32.const 15)) (local.get $at) (i32.sub (local.get $end) (local.get $at)))
    (memory.copy (i32.add (local.get $q) (i32.add (i32.const 15) (i32.sub (local.get $end) (local.get $at))))
      (i32.const 256) (i32.const 12))
    (local.set $reply (call $patient_search
      (call $block (local.get $q) (i32.add (i32.const 27) (i32.sub (local.get $end) (local.get $at))))))
    ;; the reply into linear memory at 196608 (at most 128 KiB of it)
    (local.set $rlen (i32.wrap_i64 (call $length (local.get $reply))))
    (if (i32.gt_u (local.get $rlen) (i32.const 131072)) (then (local.set $rlen (i32.const 131072))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $rlen)))
        (i32.store8 (i32.add (i32.const 196608) (local.get $i))
          (call $load_u8 (i64.add (local.get $reply) (i64.extend_i32_u (local.get $i)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (if (i32.ge_s (call $find (i32.const 196608) (local.get $rlen) (i32.const 288) (i32.const 7) (i32.const 0))
          (i32.const 0))
      (then (call $issue (i32.const 304) (i32.const 94)) (return)))
    (if (i32.lt_s (call $find (i32.const 196608) (local.get $rlen) (i32.const 272) (i32.const 9) (i32.const 0))
          (i32.const 0))
      (then (call $issue (i32.const 128) (i32.const 98)))))

  (func (export "validate") (result i32)
    (local $n i32) (local $i i32) (local $at i32) (local $end i32)
    (local.set $n (i32.wrap_i64 (call $input_length)))
    (if (i32.gt_u (local.get $n) (i32.const 131072)) (then (local.set $n (i32.const 131072))))
    (block $done
      (loop $copy
        (br_if $done (i32.ge_u (local.get $i) (local.get $n)))
        (i32.store8 (i32.add (i32.const 65536) (local.get $i))
          (call $input_load_u8 (i64.extend_i32_u (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $copy)))
    (global.set $out (i32.const 1024))
    (global.set $issues (i32.const 0))
    (call $emit (i32.const 1023) (i32.const 0))
    (i32.store8 (global.get $out) (i32.const 91))
    (global.set $out (i32.add (global.get $out) (i32.const 1)))
    (if (i32.lt_s (call $find (i32.const 65536) (local.get $n) (i32.const 0) (i32.const 11) (i32.const 0)) (i32.const 0))
      (then (call $issue (i32.const 32) (i32.const 84))))
    (local.set $at (call $find (i32.const 65536) (local.get $n) (i32.const 16) (i32.const 9) (i32.const 0)))
    (if (i32.ge_s (local.get $at) (i32.const 0)) (then
      (local.set $at (i32.add (local.get $at) (i32.const 9)))
      (local.set $end (local.get $at))
      (block $closed
        (loop $scan
          (br_if $closed (i32.ge_u (local.get $end) (local.get $n)))
          (br_if $closed (i32.eq (i32.load8_u (i32.add (i32.const 65536) (local.get $end))) (i32.const 34)))
          (local.set $end (i32.add (local.get $end) (i32.const 1)))
          (br $scan)))
      (call $check_identifier (i32.add (i32.const 65536) (local.get $at)) (i32.add (i32.const 65536) (local.get $end)))))
    (i32.store8 (global.get $out) (i32.const 93))
    (global.set $out (i32.add (global.get $out) (i32.const 1)))
    (call $output_set (call $block (i32.const 1024) (i32.sub (global.get $out) (i32.const 1024)))
      (i64.extend_i32_u (i32.sub (global.get $out) (i32.const 1024))))
    (i32.const 0)))
