;; Imports carehost/patient_get without declaring read:patients: it must not be instantiated.
(module
  (import "carehost" "patient_get" (func $patient_get (param i64) (result i64)))
  (memory (export "memory") 1)
  (func (export "steal") (result i32)
    (drop (call $patient_get (i64.const 0)))
    (i32.const 0)))
