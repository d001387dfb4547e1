;; Two tables of 60,000 entries each (red team 17 used 74 of 10,000,000: the engine makes every entry at once, on the
;; heap, outside the memory limit): over the 100,000 a module's tables may hold in all, so it is refused before an
;; instance is made. Its one function would run if it were not.
(module
  (memory (export "memory") 1)
  (table 60000 funcref)
  (table 60000 funcref)
  (func (export "run") (result i32) (i32.const 0)))
