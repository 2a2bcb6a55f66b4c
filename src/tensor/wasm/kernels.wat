;; nextoken's hot kernels as WebAssembly SIMD128, compiled by scripts/build-wasm.mjs (wabt).
;;
;; Every pointer is a byte address in the one shared memory that holds weights, activations and
;; the KV cache. Matrices are row-major: W (d, k) times x (n, k) gives out (n, d); `r0..r1` is the
;; range of rows one thread computes (threads claim chunks of rows, see thread-pool.ts).
;; Quantized rows are blocks along k, in ggml's layouts:
;;   q8_0: f16 d, 32 x i8                       (34 bytes per 32 values)
;;   q4_0: f16 d, 16 bytes of nibbles (j, j+16)  (18 bytes per 32 values)
;;   q4_K / q5_K / q6_K: 256-value super-blocks (144 / 176 / 210 bytes)
;; q8_0 and q4_0 are multiplied in integers against quantized activations (matmul_q), K-quants
;; against activations quantized per 256 (matmul_k); f32, f16, bf16 and (on the exact path)
;; K-quant rows decoded to f32 against f32 activations (matmul). Each (row, token) dot product is
;; computed by the same float operations on the same values whatever n is (a prefill's loops may
;; share or pre-unpack the weights, never reorder the arithmetic), so a prefill gives bit-identical
;; logits to one-token steps, and any thread count gives the same bits. f32 dot products keep 4 f32x4
;; accumulators (16 values per iteration), summed (a0+a1)+(a2+a3), then lanes (l0+l1)+(l2+l3), then
;; a scalar tail. V8 does not inline wasm calls here, so inner loops are written out by hand.

(module
  (import "env" "memory" (memory 1 65536 shared))

  ;; dtype ids (tensor/wasm/wasm-kernels.ts DTYPE_IDS)
  ;; 0 f32, 1 f16, 2 bf16, 3 q8_0, 4 q4_0, 5 q4_K, 6 q5_K, 7 q6_K

  ;; ---------------------------------------------------------------- helpers

  ;; A vector's lanes are always summed (l0 + l1) + (l2 + l3), written out where needed: a call
  ;; per row (V8 does not inline wasm calls) cost 3% of a Q4_0 decode.

  ;; f16 bits -> f32: (bits & 0x7fff) << 13 read as f32 times 2^112 rebiases the exponent and
  ;; normalises subnormals; inf/NaN get the f32 all-ones exponent; then the sign.
  (func $f16 (param $h i32) (result f32)
    (local $m i32)
    (local.set $m (i32.and (local.get $h) (i32.const 0x7fff)))
    (f32.reinterpret_i32
      (i32.or
        (i32.or
          (i32.reinterpret_f32
            (f32.mul (f32.reinterpret_i32 (i32.shl (local.get $m) (i32.const 13))) (f32.const 0x1p112)))
          (select (i32.const 0x7f800000) (i32.const 0) (i32.ge_u (local.get $m) (i32.const 0x7c00))))
        (i32.shl (i32.and (local.get $h) (i32.const 0x8000)) (i32.const 16)))))

  ;; 2^m for m in [-1074, 1023], exact
  (func $pow2 (param $m i32) (result f64)
    (if (i32.lt_s (local.get $m) (i32.const -1022))
      (then
        (return
          (f64.mul
            (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $m) (i32.const 1077))) (i64.const 52)))
            (f64.const 0x1p-54)))))
    (f64.reinterpret_i64 (i64.shl (i64.extend_i32_s (i32.add (local.get $m) (i32.const 1023))) (i64.const 52))))

  ;; e^x in f64: x = m ln2 + r, |r| <= ln2/2, degree-10 Taylor polynomial by Horner (error < 1e-12).
  (func $exp (param $x f64) (result f64)
    (local $m f64) (local $r f64) (local $p f64)
    (if (f64.lt (local.get $x) (f64.const -745)) (then (return (f64.const 0))))
    (if (f64.gt (local.get $x) (f64.const 709)) (then (return (f64.const inf))))
    (if (f64.ne (local.get $x) (local.get $x)) (then (return (local.get $x))))
    (local.set $m (f64.nearest (f64.mul (local.get $x) (f64.const 1.4426950408889634))))
    (local.set $r
      (f64.sub
        (f64.sub (local.get $x) (f64.mul (local.get $m) (f64.const 0.6931471803691238)))
        (f64.mul (local.get $m) (f64.const 1.9082149292705877e-10))))
    (local.set $p (f64.const 2.755731922398589e-7))
    (local.set $p (f64.add (f64.const 0.0000027557319223985893) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.0000248015873015873) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.0001984126984126984) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.001388888888888889) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.008333333333333333) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.041666666666666664) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.16666666666666666) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 0.5) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $p) (local.get $r))))
    (local.set $p (f64.add (f64.const 1) (f64.mul (local.get $p) (local.get $r))))
    (f64.mul (local.get $p) (call $pow2 (i32.trunc_f64_s (local.get $m)))))

  ;; bytes per row of k values of dtype t
  (func $rowBytes (param $t i32) (param $k i32) (result i32)
    (block $kq (block $q4 (block $q8 (block $half (block $f32
      (br_table $f32 $half $half $q8 $q4 $kq $kq $kq (local.get $t)))
      (return (i32.shl (local.get $k) (i32.const 2))))
      (return (i32.shl (local.get $k) (i32.const 1))))
      (return (i32.mul (i32.shr_u (local.get $k) (i32.const 5)) (i32.const 34))))
      (return (i32.mul (i32.shr_u (local.get $k) (i32.const 5)) (i32.const 18))))
    (i32.mul (i32.shr_u (local.get $k) (i32.const 8))
      (select (i32.const 144)
        (select (i32.const 176) (i32.const 210) (i32.eq (local.get $t) (i32.const 6)))
        (i32.eq (local.get $t) (i32.const 5)))))

  ;; ---------------------------------------------------------------- dot products, f32 activations

  (func $dot_f32 (param $w i32) (param $x i32) (param $k i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $end i32) (local $s f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const -16)) (i32.const 2))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $l
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (v128.load (local.get $w)) (v128.load (local.get $x)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (v128.load offset=16 (local.get $w)) (v128.load offset=16 (local.get $x)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (v128.load offset=32 (local.get $w)) (v128.load offset=32 (local.get $x)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (v128.load offset=48 (local.get $w)) (v128.load offset=48 (local.get $x)))))
          (local.set $w (i32.add (local.get $w) (i32.const 64)))
          (local.set $x (i32.add (local.get $x) (i32.const 64)))
          (br_if $l (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))) (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const 15)) (i32.const 2))))
    (block $done
      (loop $t
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $w)) (f32.load (local.get $x)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $t)))
    (local.get $s))

  ;; $dot_f32 for two x rows at once (prefill): the weight loads are shared, and each row's sums
  ;; follow exactly $dot_f32's order, so the results are the same bits.
  (func $dot2_f32 (param $w i32) (param $x i32) (param $y i32) (param $k i32) (result f32 f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $b0 v128) (local $b1 v128) (local $b2 v128) (local $b3 v128)
    (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $end i32) (local $s f32) (local $t f32) (local $wv f32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const -16)) (i32.const 2))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (loop $l
          (local.set $w0 (v128.load (local.get $w)))
          (local.set $w1 (v128.load offset=16 (local.get $w)))
          (local.set $w2 (v128.load offset=32 (local.get $w)))
          (local.set $w3 (v128.load offset=48 (local.get $w)))
          (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $w0) (v128.load (local.get $x)))))
          (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $x)))))
          (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $x)))))
          (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $x)))))
          (local.set $b0 (f32x4.add (local.get $b0) (f32x4.mul (local.get $w0) (v128.load (local.get $y)))))
          (local.set $b1 (f32x4.add (local.get $b1) (f32x4.mul (local.get $w1) (v128.load offset=16 (local.get $y)))))
          (local.set $b2 (f32x4.add (local.get $b2) (f32x4.mul (local.get $w2) (v128.load offset=32 (local.get $y)))))
          (local.set $b3 (f32x4.add (local.get $b3) (f32x4.mul (local.get $w3) (v128.load offset=48 (local.get $y)))))
          (local.set $w (i32.add (local.get $w) (i32.const 64)))
          (local.set $x (i32.add (local.get $x) (i32.const 64)))
          (local.set $y (i32.add (local.get $y) (i32.const 64)))
          (br_if $l (i32.lt_u (local.get $x) (local.get $end))))))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))) (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (local.set $b0 (f32x4.add (f32x4.add (local.get $b0) (local.get $b1)) (f32x4.add (local.get $b2) (local.get $b3))))
    (local.set $t (f32.add (f32.add (f32x4.extract_lane 0 (local.get $b0)) (f32x4.extract_lane 1 (local.get $b0))) (f32.add (f32x4.extract_lane 2 (local.get $b0)) (f32x4.extract_lane 3 (local.get $b0)))))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const 15)) (i32.const 2))))
    (block $done
      (loop $tail
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $wv (f32.load (local.get $w)))
        (local.set $s (f32.add (local.get $s) (f32.mul (local.get $wv) (f32.load (local.get $x)))))
        (local.set $t (f32.add (local.get $t) (f32.mul (local.get $wv) (f32.load (local.get $y)))))
        (local.set $w (i32.add (local.get $w) (i32.const 4)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (local.set $y (i32.add (local.get $y) (i32.const 4)))
        (br $tail)))
    (local.get $s) (local.get $t))

  ;; f16 (bf16 when $bf) weights: 16 values per iteration, widened to f32 in registers.
  (func $dot_half (param $w i32) (param $x i32) (param $k i32) (param $bf i32) (result f32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $end i32) (local $s f32)
    (local $h0 v128) (local $h1 v128) (local $hv v128) (local $mask v128) (local $magic v128)
    ;; f16 -> f32 in 3 operations on the sign-extended bits: << 13 puts exponent and mantissa in
    ;; place, the mask keeps the sign in bit 31 only, and x 2^112 rebiases (normalising subnormals).
    ;; f16 infinities and NaNs (never in real weights) come out as large finite values.
    (local.set $mask (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
    (local.set $magic (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const -16)) (i32.const 2))))
    (if (i32.lt_u (local.get $x) (local.get $end))
      (then
        (if (local.get $bf)
          (then
            (loop $l
              (local.set $h0 (v128.load (local.get $w)))
              (local.set $h1 (v128.load offset=16 (local.get $w)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (i32x4.shl (i32x4.extend_low_i16x8_u (local.get $h0)) (i32.const 16)) (v128.load (local.get $x)))))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (i32x4.shl (i32x4.extend_high_i16x8_u (local.get $h0)) (i32.const 16)) (v128.load offset=16 (local.get $x)))))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (i32x4.shl (i32x4.extend_low_i16x8_u (local.get $h1)) (i32.const 16)) (v128.load offset=32 (local.get $x)))))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (i32x4.shl (i32x4.extend_high_i16x8_u (local.get $h1)) (i32.const 16)) (v128.load offset=48 (local.get $x)))))
              (local.set $w (i32.add (local.get $w) (i32.const 32)))
              (local.set $x (i32.add (local.get $x) (i32.const 64)))
              (br_if $l (i32.lt_u (local.get $x) (local.get $end)))))
          (else
            (loop $l
              (local.set $h0 (v128.load (local.get $w)))
              (local.set $h1 (v128.load offset=16 (local.get $w)))
              (local.set $hv (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $h0)) (i32.const 13)) (local.get $mask)) (local.get $magic)))
              (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $hv) (v128.load (local.get $x)))))
              (local.set $hv (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $h0)) (i32.const 13)) (local.get $mask)) (local.get $magic)))
              (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $hv) (v128.load offset=16 (local.get $x)))))
              (local.set $hv (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_low_i16x8_s (local.get $h1)) (i32.const 13)) (local.get $mask)) (local.get $magic)))
              (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul (local.get $hv) (v128.load offset=32 (local.get $x)))))
              (local.set $hv (f32x4.mul (v128.and (i32x4.shl (i32x4.extend_high_i16x8_s (local.get $h1)) (i32.const 13)) (local.get $mask)) (local.get $magic)))
              (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul (local.get $hv) (v128.load offset=48 (local.get $x)))))
              (local.set $w (i32.add (local.get $w) (i32.const 32)))
              (local.set $x (i32.add (local.get $x) (i32.const 64)))
              (br_if $l (i32.lt_u (local.get $x) (local.get $end))))))))
    (local.set $a0 (f32x4.add (f32x4.add (local.get $a0) (local.get $a1)) (f32x4.add (local.get $a2) (local.get $a3))))
    (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))) (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $k) (i32.const 15)) (i32.const 2))))
    (block $done
      (loop $t
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $s
          (f32.add (local.get $s)
            (f32.mul
              (if (result f32) (local.get $bf)
                (then (f32.reinterpret_i32 (i32.shl (i32.load16_u (local.get $w)) (i32.const 16))))
                (else (call $f16 (i32.load16_u (local.get $w)))))
              (f32.load (local.get $x)))))
        (local.set $w (i32.add (local.get $w) (i32.const 2)))
        (local.set $x (i32.add (local.get $x) (i32.const 4)))
        (br $t)))
    (local.get $s))

  ;; ---------------------------------------------------------------- K-quant rows -> f32

  ;; One row of k values (k a multiple of 256) of q4_K / q5_K to f32 at $y (ggml dequantize_row_q4_K /
  ;; q5_K): per 64 values, the low nibbles of 32 bytes take sub-block scale/min 2j, the high nibbles
  ;; 2j+1 (ggml get_scale_min_k4, as tensor/rows.ts scaleK4/minK4, inlined below); q5_K adds 16
  ;; where the matching bit of qh is set.
  ;; The 32-value stores are written out by hand: wasm calls are not inlined here.
  (func $dequant_q45_k (param $w i32) (param $y i32) (param $k i32) (param $five i32)
    (local $end i32) (local $d f32) (local $dmin f32) (local $j i32) (local $q i32) (local $qh v128)
    (local $u v128) (local $v v128) (local $lo0 v128) (local $lo1 v128) (local $hi0 v128) (local $hi1 v128)
    (local $l v128) (local $d1 v128) (local $m1 v128) (local $d2 v128) (local $m2 v128) (local $sc i32)
    (local $p i32) (local $s1 i32) (local $n1 i32) (local $s2 i32) (local $n2 i32)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (loop $sb
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $d (call $f16 (i32.load16_u (local.get $w))))
        (local.set $dmin (call $f16 (i32.load16_u offset=2 (local.get $w))))
        (local.set $sc (i32.add (local.get $w) (i32.const 4)))
        ;; q4_K: d, dmin, scales[12], qs[128]; q5_K: d, dmin, scales[12], qh[32], qs[128]
        (local.set $q (i32.add (local.get $w) (select (i32.const 48) (i32.const 16) (local.get $five))))
        (local.set $u (v128.const i8x16 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1))
        (local.set $j (i32.const 0))
        (loop $sub
          (local.set $v (v128.load (local.get $q)))
          (local.set $lo0 (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
          (local.set $hi0 (i8x16.shr_u (local.get $v) (i32.const 4)))
          (local.set $v (v128.load offset=16 (local.get $q)))
          (local.set $lo1 (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)))
          (local.set $hi1 (i8x16.shr_u (local.get $v) (i32.const 4)))
          (if (local.get $five)
            (then
              ;; qh bit 2j (then 2j+1) adds 16; $u holds 1 << 2j in every byte
              (local.set $qh (v128.load offset=16 (local.get $w)))
              (local.set $lo0 (v128.or (local.get $lo0) (v128.and (i8x16.eq (v128.and (local.get $qh) (local.get $u)) (local.get $u)) (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16))))
              (local.set $v (i8x16.add (local.get $u) (local.get $u)))
              (local.set $hi0 (v128.or (local.get $hi0) (v128.and (i8x16.eq (v128.and (local.get $qh) (local.get $v)) (local.get $v)) (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16))))
              (local.set $qh (v128.load offset=32 (local.get $w)))
              (local.set $lo1 (v128.or (local.get $lo1) (v128.and (i8x16.eq (v128.and (local.get $qh) (local.get $u)) (local.get $u)) (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16))))
              (local.set $hi1 (v128.or (local.get $hi1) (v128.and (i8x16.eq (v128.and (local.get $qh) (local.get $v)) (local.get $v)) (v128.const i8x16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16 16))))
              (local.set $u (i8x16.shl (local.get $u) (i32.const 2)))))
          ;; get_scale_min_k4 of sub-blocks j and j+1, inlined ($p = scales + j)
          (local.set $p (i32.add (local.get $sc) (local.get $j)))
          (if (i32.lt_u (local.get $j) (i32.const 4))
            (then
              (local.set $s1 (i32.and (i32.load8_u offset=0 (local.get $p)) (i32.const 63)))
              (local.set $n1 (i32.and (i32.load8_u offset=4 (local.get $p)) (i32.const 63)))
              (local.set $s2 (i32.and (i32.load8_u offset=1 (local.get $p)) (i32.const 63)))
              (local.set $n2 (i32.and (i32.load8_u offset=5 (local.get $p)) (i32.const 63))))
            (else
              (local.set $p (i32.sub (local.get $p) (i32.const 4)))
              (local.set $s1 (i32.or (i32.and (i32.load8_u offset=8 (local.get $p)) (i32.const 15)) (i32.shl (i32.shr_u (i32.load8_u offset=0 (local.get $p)) (i32.const 6)) (i32.const 4))))
              (local.set $n1 (i32.or (i32.shr_u (i32.load8_u offset=8 (local.get $p)) (i32.const 4)) (i32.shl (i32.shr_u (i32.load8_u offset=4 (local.get $p)) (i32.const 6)) (i32.const 4))))
              (local.set $s2 (i32.or (i32.and (i32.load8_u offset=9 (local.get $p)) (i32.const 15)) (i32.shl (i32.shr_u (i32.load8_u offset=1 (local.get $p)) (i32.const 6)) (i32.const 4))))
              (local.set $n2 (i32.or (i32.shr_u (i32.load8_u offset=9 (local.get $p)) (i32.const 4)) (i32.shl (i32.shr_u (i32.load8_u offset=5 (local.get $p)) (i32.const 6)) (i32.const 4))))))
          (local.set $d1 (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_u (local.get $s1)))))
          (local.set $m1 (f32x4.splat (f32.mul (local.get $dmin) (f32.convert_i32_u (local.get $n1)))))
          (local.set $d2 (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_u (local.get $s2)))))
          (local.set $m2 (f32x4.splat (f32.mul (local.get $dmin) (f32.convert_i32_u (local.get $n2)))))
          (local.set $l (i16x8.extend_low_i8x16_u (local.get $lo0)))
          (v128.store offset=0 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m1)))
          (v128.store offset=16 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m1)))
          (local.set $l (i16x8.extend_high_i8x16_u (local.get $lo0)))
          (v128.store offset=32 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m1)))
          (v128.store offset=48 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m1)))
          (local.set $l (i16x8.extend_low_i8x16_u (local.get $lo1)))
          (v128.store offset=64 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m1)))
          (v128.store offset=80 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m1)))
          (local.set $l (i16x8.extend_high_i8x16_u (local.get $lo1)))
          (v128.store offset=96 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m1)))
          (v128.store offset=112 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d1) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m1)))
          (local.set $l (i16x8.extend_low_i8x16_u (local.get $hi0)))
          (v128.store offset=128 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m2)))
          (v128.store offset=144 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m2)))
          (local.set $l (i16x8.extend_high_i8x16_u (local.get $hi0)))
          (v128.store offset=160 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m2)))
          (v128.store offset=176 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m2)))
          (local.set $l (i16x8.extend_low_i8x16_u (local.get $hi1)))
          (v128.store offset=192 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m2)))
          (v128.store offset=208 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m2)))
          (local.set $l (i16x8.extend_high_i8x16_u (local.get $hi1)))
          (v128.store offset=224 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_u (local.get $l)))) (local.get $m2)))
          (v128.store offset=240 (local.get $y) (f32x4.sub (f32x4.mul (local.get $d2) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_u (local.get $l)))) (local.get $m2)))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (local.set $y (i32.add (local.get $y) (i32.const 256)))
          (local.set $j (i32.add (local.get $j) (i32.const 2)))
          (br_if $sub (i32.lt_u (local.get $j) (i32.const 8))))
        (local.set $w (i32.add (local.get $w) (select (i32.const 176) (i32.const 144) (local.get $five))))
        (br $sb))))

  ;; One row of q6_K to f32 (ggml dequantize_row_q6_K): ql[128], qh[64], scales[16] (i8), f16 d.
  ;; Per half of 128 values and 16 columns l at a time: q1 = ql[l] low nibble | qh bits 0-1,
  ;; q2 = ql[l+32] low | bits 2-3, q3 = ql[l] high | bits 4-5, q4 = ql[l+32] high | bits 6-7, each
  ;; minus 32, at values l, l+32, l+64, l+96, times d · scale of its 16 values.
  (func $dequant_q6_k (param $w i32) (param $y i32) (param $k i32)
    (local $end i32) (local $d f32) (local $half i32) (local $ql i32) (local $qh i32) (local $sc i32)
    (local $c i32) (local $a v128) (local $b v128) (local $h v128) (local $q v128) (local $l v128) (local $sv v128)
    (local.set $end (i32.add (local.get $y) (i32.shl (local.get $k) (i32.const 2))))
    (block $done
      (loop $sb
        (br_if $done (i32.ge_u (local.get $y) (local.get $end)))
        (local.set $d (call $f16 (i32.load16_u offset=208 (local.get $w))))
        (local.set $ql (local.get $w))
        (local.set $qh (i32.add (local.get $w) (i32.const 128)))
        (local.set $sc (i32.add (local.get $w) (i32.const 192)))
        (local.set $half (i32.const 0))
        (loop $halves
          (local.set $c (i32.const 0))
          (loop $cols
            (local.set $a (v128.load (local.get $ql)))
            (local.set $b (v128.load offset=32 (local.get $ql)))
            (local.set $h (v128.load (local.get $qh)))
            (local.set $q (i8x16.sub (v128.or (v128.and (local.get $a) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)) (v128.and (i8x16.shl (local.get $h) (i32.const 4)) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))
          (local.set $sv (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_s (i32.load8_s offset=0 (local.get $sc))))))
          (local.set $l (i16x8.extend_low_i8x16_s (local.get $q)))
          (v128.store offset=0 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=16 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
          (local.set $l (i16x8.extend_high_i8x16_s (local.get $q)))
          (v128.store offset=32 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=48 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
            (local.set $q (i8x16.sub (v128.or (v128.and (local.get $b) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)) (v128.and (i8x16.shl (local.get $h) (i32.const 2)) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))
          (local.set $sv (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_s (i32.load8_s offset=2 (local.get $sc))))))
          (local.set $l (i16x8.extend_low_i8x16_s (local.get $q)))
          (v128.store offset=128 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=144 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
          (local.set $l (i16x8.extend_high_i8x16_s (local.get $q)))
          (v128.store offset=160 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=176 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
            (local.set $q (i8x16.sub (v128.or (i8x16.shr_u (local.get $a) (i32.const 4)) (v128.and (local.get $h) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))
          (local.set $sv (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_s (i32.load8_s offset=4 (local.get $sc))))))
          (local.set $l (i16x8.extend_low_i8x16_s (local.get $q)))
          (v128.store offset=256 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=272 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
          (local.set $l (i16x8.extend_high_i8x16_s (local.get $q)))
          (v128.store offset=288 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=304 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
            (local.set $q (i8x16.sub (v128.or (i8x16.shr_u (local.get $b) (i32.const 4)) (v128.and (i8x16.shr_u (local.get $h) (i32.const 2)) (v128.const i8x16 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48 48))) (v128.const i8x16 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32 32)))
          (local.set $sv (f32x4.splat (f32.mul (local.get $d) (f32.convert_i32_s (i32.load8_s offset=6 (local.get $sc))))))
          (local.set $l (i16x8.extend_low_i8x16_s (local.get $q)))
          (v128.store offset=384 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=400 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
          (local.set $l (i16x8.extend_high_i8x16_s (local.get $q)))
          (v128.store offset=416 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_low_i16x8_s (local.get $l)))))
          (v128.store offset=432 (local.get $y) (f32x4.mul (local.get $sv) (f32x4.convert_i32x4_s (i32x4.extend_high_i16x8_s (local.get $l)))))
            (local.set $ql (i32.add (local.get $ql) (i32.const 16)))
            (local.set $qh (i32.add (local.get $qh) (i32.const 16)))
            (local.set $sc (i32.add (local.get $sc) (i32.const 1)))
            (local.set $y (i32.add (local.get $y) (i32.const 64)))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br_if $cols (i32.lt_u (local.get $c) (i32.const 2))))
          ;; past both 16-column chunks: on to the next half
          (local.set $y (i32.add (local.get $y) (i32.const 384)))
          (local.set $ql (i32.add (local.get $ql) (i32.const 32)))
          (local.set $sc (i32.add (local.get $sc) (i32.const 6)))
          (local.set $half (i32.add (local.get $half) (i32.const 1)))
          (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
        (local.set $w (i32.add (local.get $w) (i32.const 210)))
        (br $sb))))

  ;; ---------------------------------------------------------------- K-quants on 8-bit activations

  ;; The default K-quant path, as llama.cpp's ggml_vec_dot_q4_K_q8_K / q5_K / q6_K: activations
  ;; quantized per 256 values (quantize_k, llama.cpp's quantize_row_q8_K), then per super-block an
  ;; exact integer sum Σ_j scale_j · Σ w_q · x_q and the float scales once. Weights are split into
  ;; i16 lanes of even and odd values (bytes 2i and 2i+1 of a 16-byte load, as the q4_0 path does),
  ;; so quantize_k stores each 16 activations evens then odds (as i16). Products w_q · x_q fit i16
  ;; (|x_q| <= 127, 0 <= w_q <= 63), so a sub-block's products are added in i16 (at most 16002) and
  ;; one i32x4.dot_i16x8_s against its scale, broadcast, multiplies and widens them. Mins (q4_K,
  ;; q5_K) and q6_K's offset of 32 meet the per-16 and per-32 sums of the activation quants. Every
  ;; path puts the same products in the same i32 lanes and integer sums are exact, so the order of
  ;; adding them never changes the bits; the float operations per super-block are fixed.
  ;; Activations per super-block: 512 bytes of i16 quants at $xq, and 64 bytes at $xs: f32 scale,
  ;; 12 bytes unused, 16 i16 per-16 sums (offset 16), 8 i16 per-32 sums (offset 48).

  ;; x (count values, count % 256 == 0) -> quants at $xq and scales and sums at $xs. llama.cpp takes
  ;; iscale = -127 / max with max the signed value of largest magnitude; 127 / amax flips the sign
  ;; of both scale and quants, so every product is the same.
  (func (export "quantize_k") (param $x i32) (param $xq i32) (param $xs i32) (param $count i32)
    (local $end i32) (local $p i32) (local $g i32) (local $m v128) (local $amax f32) (local $is f32)
    (local $iv v128) (local $a v128) (local $b v128) (local $c v128) (local $e v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $sb
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $m (v128.const i32x4 0 0 0 0))
        (local.set $p (local.get $x))
        (local.set $g (i32.add (local.get $x) (i32.const 1024)))
        (loop $max
          (local.set $m
            (f32x4.max (local.get $m)
              (f32x4.max
                (f32x4.max (f32x4.abs (v128.load (local.get $p))) (f32x4.abs (v128.load offset=16 (local.get $p))))
                (f32x4.max (f32x4.abs (v128.load offset=32 (local.get $p))) (f32x4.abs (v128.load offset=48 (local.get $p)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br_if $max (i32.lt_u (local.get $p) (local.get $g))))
        (local.set $amax
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
            (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
        (local.set $is (f32.div (f32.const 127) (local.get $amax)))
        ;; amax 0 (or so small that 127 / amax overflows): quants and scale 0, as llama.cpp
        (if (i32.eqz (f32.lt (local.get $is) (f32.const inf))) (then (local.set $is (f32.const 0))))
        (f32.store (local.get $xs)
          (select (f32.div (f32.const 1) (local.get $is)) (f32.const 0) (f32.gt (local.get $is) (f32.const 0))))
        (local.set $iv (f32x4.splat (local.get $is)))
        (local.set $g (i32.const 0))
        (loop $groups
          ;; 16 values: round half to even (llama.cpp's nearest_int), |q| <= 127
          (local.set $a (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load (local.get $x)) (local.get $iv)))))
          (local.set $b (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=16 (local.get $x)) (local.get $iv)))))
          (local.set $c (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=32 (local.get $x)) (local.get $iv)))))
          (local.set $e (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (v128.load offset=48 (local.get $x)) (local.get $iv)))))
          (local.set $m (i32x4.add (i32x4.add (local.get $a) (local.get $b)) (i32x4.add (local.get $c) (local.get $e))))
          (i32.store16 offset=16 (i32.add (local.get $xs) (i32.shl (local.get $g) (i32.const 1)))
            (i32.add
              (i32.add (i32x4.extract_lane 0 (local.get $m)) (i32x4.extract_lane 1 (local.get $m)))
              (i32.add (i32x4.extract_lane 2 (local.get $m)) (i32x4.extract_lane 3 (local.get $m)))))
          (local.set $a (i16x8.narrow_i32x4_s (local.get $a) (local.get $b)))
          (local.set $b (i16x8.narrow_i32x4_s (local.get $c) (local.get $e)))
          (v128.store (local.get $xq) (i8x16.shuffle 0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29 (local.get $a) (local.get $b)))
          (v128.store offset=16 (local.get $xq) (i8x16.shuffle 2 3 6 7 10 11 14 15 18 19 22 23 26 27 30 31 (local.get $a) (local.get $b)))
          (local.set $x (i32.add (local.get $x) (i32.const 64)))
          (local.set $xq (i32.add (local.get $xq) (i32.const 32)))
          (local.set $g (i32.add (local.get $g) (i32.const 1)))
          (br_if $groups (i32.lt_u (local.get $g) (i32.const 16))))
        ;; per-32 sums: pairs of per-16 sums
        (v128.store offset=48 (local.get $xs)
          (i16x8.narrow_i32x4_s
            (i32x4.extadd_pairwise_i16x8_s (v128.load offset=16 (local.get $xs)))
            (i32x4.extadd_pairwise_i16x8_s (v128.load offset=32 (local.get $xs)))))
        (local.set $xs (i32.add (local.get $xs) (i32.const 64)))
        (br $sb))))

  ;; One token's dot product with one q4_K / q5_K row of $nb super-blocks at $p, on activations from
  ;; quantize_k ($q, $s). Per 64 values (j = 0..3), 32 bytes of nibbles: low nibbles are sub-block
  ;; 2j, high nibbles 2j+1; q5_K's qh bits 2j and 2j+1 add 16.
  (func $row_q45k (param $p i32) (param $nb i32) (param $q i32) (param $s i32) (param $five i32) (result f32)
    (local $acc v128) (local $isum v128) (local $sc v128) (local $mn v128) (local $v v128)
    (local $a v128) (local $b v128) (local $lo v128) (local $hi v128) (local $h0 v128) (local $h1 v128)
    (local $hb v128) (local $m v128) (local $qs i32) (local $j i32) (local $end i32) (local $dx f32)
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $nb) (select (i32.const 176) (i32.const 144) (local.get $five)))))
    (loop $blocks
      ;; the 6-bit scales and mins of the 8 sub-blocks (ggml get_scale_min_k4) from the 12 bytes s at
      ;; $p + 4: scale j < 4 is s[j] & 63, j >= 4 (s[j+4] & 15) | (s[j-4] >> 6) << 4; min j < 4
      ;; s[j+4] & 63, j >= 4 (s[j+4] >> 4) | (s[j] >> 6) << 4. As bytes (8 scales, 8 mins), then
      ;; widened to i16 lanes. ($a: low bits, $b: the sources of bits 4-5)
      (local.set $v (v128.load offset=4 (local.get $p)))
      (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 8 9 10 11 (local.get $v) (local.get $v)))
      (local.set $b (i8x16.shuffle 0 0 0 0 0 1 2 3 0 0 0 0 4 5 6 7 (local.get $v) (local.get $v)))
      (local.set $v
        (v128.or
          (v128.or
            (v128.and (local.get $a) (v128.const i8x16 63 63 63 63 15 15 15 15 63 63 63 63 0 0 0 0))
            (v128.and (i16x8.shr_u (local.get $a) (i32.const 4)) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 15 15 15 15)))
          (v128.and (i16x8.shr_u (local.get $b) (i32.const 2)) (v128.const i8x16 0 0 0 0 48 48 48 48 0 0 0 0 48 48 48 48))))
      (local.set $sc (i16x8.extend_low_i8x16_u (local.get $v)))
      (local.set $mn (i16x8.extend_high_i8x16_u (local.get $v)))
      (local.set $isum (v128.const i32x4 0 0 0 0))
      (local.set $j (i32.const 0))
      (if (local.get $five)
        (then
          ;; q5_K: d, dmin, scales[12], qh[32], qs[128]. Nibbles and high bits are combined per
          ;; byte (lo: bit 2j of qh to bit 4, hi: bit 2j+1), then split into even and odd lanes.
          (local.set $qs (i32.add (local.get $p) (i32.const 48)))
          (local.set $h0 (v128.load offset=16 (local.get $p)))
          (local.set $h1 (v128.load offset=32 (local.get $p)))
          (loop $chunks5
            (local.set $hb (i16x8.shr_u (local.get $h0) (local.get $j)))
            (local.set $v (v128.load (local.get $qs)))
            (local.set $lo
              (v128.or (v128.and (local.get $v) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $hi
              (v128.or (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 3)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $a
              (i16x8.add
                (i16x8.mul (v128.and (local.get $lo) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=0 (local.get $q)))
                (i16x8.mul (i16x8.shr_u (local.get $lo) (i32.const 8)) (v128.load offset=16 (local.get $q)))))
            (local.set $b
              (i16x8.add
                (i16x8.mul (v128.and (local.get $hi) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=64 (local.get $q)))
                (i16x8.mul (i16x8.shr_u (local.get $hi) (i32.const 8)) (v128.load offset=80 (local.get $q)))))
            (local.set $hb (i16x8.shr_u (local.get $h1) (local.get $j)))
            (local.set $v (v128.load offset=16 (local.get $qs)))
            (local.set $lo
              (v128.or (v128.and (local.get $v) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $hi
              (v128.or (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 3)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $a
              (i16x8.add (local.get $a)
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $lo) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=32 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $lo) (i32.const 8)) (v128.load offset=48 (local.get $q))))))
            (local.set $b
              (i16x8.add (local.get $b)
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $hi) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=96 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $hi) (i32.const 8)) (v128.load offset=112 (local.get $q))))))
            ;; times the scales of sub-blocks 2j and 2j+1 (lanes 0 and 1), then the next two
            (local.set $isum
              (i32x4.add (local.get $isum)
                (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $a) (i8x16.shuffle 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 (local.get $sc) (local.get $sc)))
                  (i32x4.dot_i16x8_s (local.get $b) (i8x16.shuffle 2 3 2 3 2 3 2 3 2 3 2 3 2 3 2 3 (local.get $sc) (local.get $sc))))))
            (local.set $sc (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $sc) (local.get $sc)))
            (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $chunks5 (i32.lt_u (local.get $j) (i32.const 8)))))
        (else
          ;; q4_K: d, dmin, scales[12], qs[128]. In each i16 lane of 2 bytes, v & 15, (v >> 8) & 15,
          ;; (v >> 4) & 15 and v >> 12 are the even and odd values of sub-block 2j, then of 2j+1.
          (local.set $qs (i32.add (local.get $p) (i32.const 16)))
          (loop $chunks4
            (local.set $v (v128.load (local.get $qs)))
            (local.set $a
              (i16x8.add
                (i16x8.mul (v128.and (local.get $v) (local.get $m)) (v128.load offset=0 (local.get $q)))
                (i16x8.mul (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=16 (local.get $q)))))
            (local.set $b
              (i16x8.add
                (i16x8.mul (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=64 (local.get $q)))
                (i16x8.mul (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=80 (local.get $q)))))
            (local.set $v (v128.load offset=16 (local.get $qs)))
            (local.set $a
              (i16x8.add (local.get $a)
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $v) (local.get $m)) (v128.load offset=32 (local.get $q)))
                  (i16x8.mul (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=48 (local.get $q))))))
            (local.set $b
              (i16x8.add (local.get $b)
                (i16x8.add
                  (i16x8.mul (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=96 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=112 (local.get $q))))))
            (local.set $isum
              (i32x4.add (local.get $isum)
                (i32x4.add
                  (i32x4.dot_i16x8_s (local.get $a) (i8x16.shuffle 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 (local.get $sc) (local.get $sc)))
                  (i32x4.dot_i16x8_s (local.get $b) (i8x16.shuffle 2 3 2 3 2 3 2 3 2 3 2 3 2 3 2 3 (local.get $sc) (local.get $sc))))))
            (local.set $sc (i8x16.shuffle 4 5 6 7 8 9 10 11 12 13 14 15 0 1 2 3 (local.get $sc) (local.get $sc)))
            (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
            (local.set $q (i32.add (local.get $q) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $chunks4 (i32.lt_u (local.get $j) (i32.const 8))))))
      ;; d·dx · Σ scale·w·x - dmin·dx · Σ min·(per-32 sums of x)
      (local.set $dx (f32.load (local.get $s)))
      (local.set $acc
        (f32x4.add (local.get $acc)
          (f32x4.sub
            (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
              (f32x4.splat (f32.mul
                (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112))
                (local.get $dx))))
            (f32x4.mul (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (local.get $mn) (v128.load offset=48 (local.get $s))))
              (f32x4.splat (f32.mul
                (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s offset=2 (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112))
                (local.get $dx)))))))
      (local.set $p (i32.add (local.get $p) (select (i32.const 176) (i32.const 144) (local.get $five))))
      (local.set $s (i32.add (local.get $s) (i32.const 64)))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end))))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; One token's dot product with one q6_K row of $nb super-blocks at $p, on activations from
  ;; quantize_k. Per half of 128 values and 16 columns l at a time, bytes of ql[l], ql[l+32] and
  ;; qh[l] give values l, l+32, l+64, l+96 ($dequant_q6_k), here as unsigned 6 bits: the offset
  ;; of 32 is taken off once per super-block, 32 · Σ_j scale_j · (per-16 sum j of x).
  (func $row_q6k (param $p i32) (param $nb i32) (param $q i32) (param $s i32) (result f32)
    (local $acc v128) (local $isum v128) (local $sv v128) (local $sc v128) (local $a v128) (local $b v128)
    (local $h v128) (local $u v128) (local $ql i32) (local $qh i32) (local $half i32) (local $c i32) (local $end i32)
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $nb) (i32.const 210))))
    (loop $blocks
      (local.set $sv (v128.load offset=192 (local.get $p)))
      (local.set $isum
        (i32x4.sub (v128.const i32x4 0 0 0 0)
          (i32x4.shl
            (i32x4.add
              (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $sv)) (v128.load offset=16 (local.get $s)))
              (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $sv)) (v128.load offset=32 (local.get $s))))
            (i32.const 5))))
      (local.set $ql (local.get $p))
      (local.set $qh (i32.add (local.get $p) (i32.const 128)))
      (local.set $half (i32.const 0))
      (loop $halves
        ;; this half's 8 scales as i16 lanes; each column step moves the next one into lane 0
        (local.set $sc (i16x8.extend_low_i8x16_s (local.get $sv)))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $a (v128.load (local.get $ql)))
          (local.set $b (v128.load offset=32 (local.get $ql)))
          (local.set $h (v128.load (local.get $qh)))
          ;; value l: ql[l] low nibble | qh bits 0-1, scale lane 0
          (local.set $u
            (v128.or (v128.and (local.get $a) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shl (local.get $h) (i32.const 4)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (local.set $isum
            (i32x4.add (local.get $isum)
              (i32x4.dot_i16x8_s
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=0 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $u) (i32.const 8)) (v128.load offset=16 (local.get $q))))
                (i8x16.shuffle 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 (local.get $sc) (local.get $sc)))))
          ;; value l+32: ql[l+32] low nibble | qh bits 2-3, scale lane 2
          (local.set $u
            (v128.or (v128.and (local.get $b) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shl (local.get $h) (i32.const 2)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (local.set $isum
            (i32x4.add (local.get $isum)
              (i32x4.dot_i16x8_s
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=64 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $u) (i32.const 8)) (v128.load offset=80 (local.get $q))))
                (i8x16.shuffle 4 5 4 5 4 5 4 5 4 5 4 5 4 5 4 5 (local.get $sc) (local.get $sc)))))
          ;; value l+64: ql[l] high nibble | qh bits 4-5, scale lane 4
          (local.set $u
            (v128.or (v128.and (i16x8.shr_u (local.get $a) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (local.get $h) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (local.set $isum
            (i32x4.add (local.get $isum)
              (i32x4.dot_i16x8_s
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=128 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $u) (i32.const 8)) (v128.load offset=144 (local.get $q))))
                (i8x16.shuffle 8 9 8 9 8 9 8 9 8 9 8 9 8 9 8 9 (local.get $sc) (local.get $sc)))))
          ;; value l+96: ql[l+32] high nibble | qh bits 6-7, scale lane 6
          (local.set $u
            (v128.or (v128.and (i16x8.shr_u (local.get $b) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shr_u (local.get $h) (i32.const 2)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (local.set $isum
            (i32x4.add (local.get $isum)
              (i32x4.dot_i16x8_s
                (i16x8.add
                  (i16x8.mul (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)) (v128.load offset=192 (local.get $q)))
                  (i16x8.mul (i16x8.shr_u (local.get $u) (i32.const 8)) (v128.load offset=208 (local.get $q))))
                (i8x16.shuffle 12 13 12 13 12 13 12 13 12 13 12 13 12 13 12 13 (local.get $sc) (local.get $sc)))))
          (local.set $sc (i8x16.shuffle 2 3 4 5 6 7 8 9 10 11 12 13 14 15 0 1 (local.get $sc) (local.get $sc)))
          (local.set $ql (i32.add (local.get $ql) (i32.const 16)))
          (local.set $qh (i32.add (local.get $qh) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 32)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $c) (i32.const 2))))
        ;; past both 16-column steps: on to the next half
        (local.set $ql (i32.add (local.get $ql) (i32.const 32)))
        (local.set $q (i32.add (local.get $q) (i32.const 192)))
        (local.set $sv (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sv) (local.get $sv)))
        (local.set $half (i32.add (local.get $half) (i32.const 1)))
        (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
      (local.set $acc
        (f32x4.add (local.get $acc)
          (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
            (f32x4.splat (f32.mul
              (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s offset=208 (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112))
              (f32.load (local.get $s)))))))
      (local.set $p (i32.add (local.get $p) (i32.const 210)))
      (local.set $s (i32.add (local.get $s) (i32.const 64)))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end))))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; Prefill (n >= 2): each row is unpacked once into this thread's scratch, then every token
  ;; multiplies it in place ($row_unpacked). The unpacked weights lie in the activations' order, so
  ;; each token's lane sums are the integers of $row_q45k / $row_q6k and the float steps are theirs:
  ;; the same bits as one-token steps. Per super-block at $dst, 1024 bytes: 256 i16 weights
  ;; (offset 0); 16 scale vectors, one per 16 values, the scale in every lane (512); q4_K / q5_K:
  ;; the 8 mins as i16 lanes (768), q6_K: the 16 scales (768, 784); f32 d (800) and dmin (804).
  (func $unpack_q45k (param $p i32) (param $nb i32) (param $dst i32) (param $five i32)
    (local $sc v128) (local $v v128) (local $a v128) (local $b v128) (local $lo v128) (local $hi v128)
    (local $h0 v128) (local $h1 v128) (local $hb v128) (local $m v128) (local $qs i32) (local $j i32)
    (local $o i32) (local $end i32)
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $nb) (select (i32.const 176) (i32.const 144) (local.get $five)))))
    (loop $blocks
      ;; scales and mins as in $row_q45k
      (local.set $v (v128.load offset=4 (local.get $p)))
      (local.set $a (i8x16.shuffle 0 1 2 3 8 9 10 11 4 5 6 7 8 9 10 11 (local.get $v) (local.get $v)))
      (local.set $b (i8x16.shuffle 0 0 0 0 0 1 2 3 0 0 0 0 4 5 6 7 (local.get $v) (local.get $v)))
      (local.set $v
        (v128.or
          (v128.or
            (v128.and (local.get $a) (v128.const i8x16 63 63 63 63 15 15 15 15 63 63 63 63 0 0 0 0))
            (v128.and (i16x8.shr_u (local.get $a) (i32.const 4)) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 15 15 15 15)))
          (v128.and (i16x8.shr_u (local.get $b) (i32.const 2)) (v128.const i8x16 0 0 0 0 48 48 48 48 0 0 0 0 48 48 48 48))))
      (local.set $sc (i16x8.extend_low_i8x16_u (local.get $v)))
      (v128.store offset=768 (local.get $dst) (i16x8.extend_high_i8x16_u (local.get $v)))
      (local.set $v (i8x16.shuffle 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 (local.get $sc) (local.get $sc)))
      (v128.store offset=512 (local.get $dst) (local.get $v))
      (v128.store offset=528 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 2 3 2 3 2 3 2 3 2 3 2 3 2 3 2 3 (local.get $sc) (local.get $sc)))
      (v128.store offset=544 (local.get $dst) (local.get $v))
      (v128.store offset=560 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 4 5 4 5 4 5 4 5 4 5 4 5 4 5 4 5 (local.get $sc) (local.get $sc)))
      (v128.store offset=576 (local.get $dst) (local.get $v))
      (v128.store offset=592 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 6 7 6 7 6 7 6 7 6 7 6 7 6 7 6 7 (local.get $sc) (local.get $sc)))
      (v128.store offset=608 (local.get $dst) (local.get $v))
      (v128.store offset=624 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 8 9 8 9 8 9 8 9 8 9 8 9 8 9 8 9 (local.get $sc) (local.get $sc)))
      (v128.store offset=640 (local.get $dst) (local.get $v))
      (v128.store offset=656 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 (local.get $sc) (local.get $sc)))
      (v128.store offset=672 (local.get $dst) (local.get $v))
      (v128.store offset=688 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 12 13 12 13 12 13 12 13 12 13 12 13 12 13 12 13 (local.get $sc) (local.get $sc)))
      (v128.store offset=704 (local.get $dst) (local.get $v))
      (v128.store offset=720 (local.get $dst) (local.get $v))
      (local.set $v (i8x16.shuffle 14 15 14 15 14 15 14 15 14 15 14 15 14 15 14 15 (local.get $sc) (local.get $sc)))
      (v128.store offset=736 (local.get $dst) (local.get $v))
      (v128.store offset=752 (local.get $dst) (local.get $v))
      (f32.store offset=800 (local.get $dst)
        (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
      (f32.store offset=804 (local.get $dst)
        (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s offset=2 (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
      (local.set $o (local.get $dst))
      (local.set $j (i32.const 0))
      (if (local.get $five)
        (then
          (local.set $qs (i32.add (local.get $p) (i32.const 48)))
          (local.set $h0 (v128.load offset=16 (local.get $p)))
          (local.set $h1 (v128.load offset=32 (local.get $p)))
          (loop $chunks5
            (local.set $hb (i16x8.shr_u (local.get $h0) (local.get $j)))
            (local.set $v (v128.load (local.get $qs)))
            (local.set $lo
              (v128.or (v128.and (local.get $v) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $hi
              (v128.or (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 3)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (v128.store offset=0 (local.get $o) (v128.and (local.get $lo) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (v128.store offset=16 (local.get $o) (i16x8.shr_u (local.get $lo) (i32.const 8)))
            (v128.store offset=64 (local.get $o) (v128.and (local.get $hi) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (v128.store offset=80 (local.get $o) (i16x8.shr_u (local.get $hi) (i32.const 8)))
            (local.set $hb (i16x8.shr_u (local.get $h1) (local.get $j)))
            (local.set $v (v128.load offset=16 (local.get $qs)))
            (local.set $lo
              (v128.or (v128.and (local.get $v) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 4)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (local.set $hi
              (v128.or (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
                (v128.and (i16x8.shl (local.get $hb) (i32.const 3)) (v128.const i16x8 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010 0x1010))))
            (v128.store offset=32 (local.get $o) (v128.and (local.get $lo) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (v128.store offset=48 (local.get $o) (i16x8.shr_u (local.get $lo) (i32.const 8)))
            (v128.store offset=96 (local.get $o) (v128.and (local.get $hi) (v128.const i16x8 255 255 255 255 255 255 255 255)))
            (v128.store offset=112 (local.get $o) (i16x8.shr_u (local.get $hi) (i32.const 8)))
            (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
            (local.set $o (i32.add (local.get $o) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $chunks5 (i32.lt_u (local.get $j) (i32.const 8)))))
        (else
          (local.set $qs (i32.add (local.get $p) (i32.const 16)))
          (loop $chunks4
            (local.set $v (v128.load (local.get $qs)))
            (v128.store offset=0 (local.get $o) (v128.and (local.get $v) (local.get $m)))
            (v128.store offset=16 (local.get $o) (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (v128.store offset=64 (local.get $o) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))
            (v128.store offset=80 (local.get $o) (i16x8.shr_u (local.get $v) (i32.const 12)))
            (local.set $v (v128.load offset=16 (local.get $qs)))
            (v128.store offset=32 (local.get $o) (v128.and (local.get $v) (local.get $m)))
            (v128.store offset=48 (local.get $o) (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
            (v128.store offset=96 (local.get $o) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))
            (v128.store offset=112 (local.get $o) (i16x8.shr_u (local.get $v) (i32.const 12)))
            (local.set $qs (i32.add (local.get $qs) (i32.const 32)))
            (local.set $o (i32.add (local.get $o) (i32.const 128)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br_if $chunks4 (i32.lt_u (local.get $j) (i32.const 8))))))
      (local.set $p (i32.add (local.get $p) (select (i32.const 176) (i32.const 144) (local.get $five))))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1024)))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end)))))

  ;; A q6_K row unpacked as $row_q6k reads it (layout above).
  (func $unpack_q6k (param $p i32) (param $nb i32) (param $dst i32)
    (local $sv v128) (local $sc v128) (local $a v128) (local $b v128) (local $h v128) (local $u v128)
    (local $ql i32) (local $qh i32) (local $half i32) (local $c i32) (local $end i32) (local $o i32) (local $e i32)
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $nb) (i32.const 210))))
    (loop $blocks
      (local.set $sv (v128.load offset=192 (local.get $p)))
      (f32.store offset=800 (local.get $dst)
        (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s offset=208 (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
      (local.set $ql (local.get $p))
      (local.set $qh (i32.add (local.get $p) (i32.const 128)))
      (local.set $o (local.get $dst))
      (local.set $e (i32.add (local.get $dst) (i32.const 512)))
      (local.set $half (i32.const 0))
      (loop $halves
        (local.set $sc (i16x8.extend_low_i8x16_s (local.get $sv)))
        (v128.store offset=768 (i32.add (local.get $dst) (i32.shl (local.get $half) (i32.const 4))) (local.get $sc))
        ;; the broadcast scales of this half's 8 sub-blocks of 16
        (v128.store offset=0 (local.get $e) (i8x16.shuffle 0 1 0 1 0 1 0 1 0 1 0 1 0 1 0 1 (local.get $sc) (local.get $sc)))
        (v128.store offset=16 (local.get $e) (i8x16.shuffle 2 3 2 3 2 3 2 3 2 3 2 3 2 3 2 3 (local.get $sc) (local.get $sc)))
        (v128.store offset=32 (local.get $e) (i8x16.shuffle 4 5 4 5 4 5 4 5 4 5 4 5 4 5 4 5 (local.get $sc) (local.get $sc)))
        (v128.store offset=48 (local.get $e) (i8x16.shuffle 6 7 6 7 6 7 6 7 6 7 6 7 6 7 6 7 (local.get $sc) (local.get $sc)))
        (v128.store offset=64 (local.get $e) (i8x16.shuffle 8 9 8 9 8 9 8 9 8 9 8 9 8 9 8 9 (local.get $sc) (local.get $sc)))
        (v128.store offset=80 (local.get $e) (i8x16.shuffle 10 11 10 11 10 11 10 11 10 11 10 11 10 11 10 11 (local.get $sc) (local.get $sc)))
        (v128.store offset=96 (local.get $e) (i8x16.shuffle 12 13 12 13 12 13 12 13 12 13 12 13 12 13 12 13 (local.get $sc) (local.get $sc)))
        (v128.store offset=112 (local.get $e) (i8x16.shuffle 14 15 14 15 14 15 14 15 14 15 14 15 14 15 14 15 (local.get $sc) (local.get $sc)))
        (local.set $c (i32.const 0))
        (loop $cols
          (local.set $a (v128.load (local.get $ql)))
          (local.set $b (v128.load offset=32 (local.get $ql)))
          (local.set $h (v128.load (local.get $qh)))
          (local.set $u
            (v128.or (v128.and (local.get $a) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shl (local.get $h) (i32.const 4)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (v128.store offset=0 (local.get $o) (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)))
          (v128.store offset=16 (local.get $o) (i16x8.shr_u (local.get $u) (i32.const 8)))
          (local.set $u
            (v128.or (v128.and (local.get $b) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shl (local.get $h) (i32.const 2)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (v128.store offset=64 (local.get $o) (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)))
          (v128.store offset=80 (local.get $o) (i16x8.shr_u (local.get $u) (i32.const 8)))
          (local.set $u
            (v128.or (v128.and (i16x8.shr_u (local.get $a) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (local.get $h) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (v128.store offset=128 (local.get $o) (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)))
          (v128.store offset=144 (local.get $o) (i16x8.shr_u (local.get $u) (i32.const 8)))
          (local.set $u
            (v128.or (v128.and (i16x8.shr_u (local.get $b) (i32.const 4)) (v128.const i16x8 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f 0x0f0f))
              (v128.and (i16x8.shr_u (local.get $h) (i32.const 2)) (v128.const i16x8 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030 0x3030))))
          (v128.store offset=192 (local.get $o) (v128.and (local.get $u) (v128.const i16x8 255 255 255 255 255 255 255 255)))
          (v128.store offset=208 (local.get $o) (i16x8.shr_u (local.get $u) (i32.const 8)))
          (local.set $ql (i32.add (local.get $ql) (i32.const 16)))
          (local.set $qh (i32.add (local.get $qh) (i32.const 16)))
          (local.set $o (i32.add (local.get $o) (i32.const 32)))
          (local.set $c (i32.add (local.get $c) (i32.const 1)))
          (br_if $cols (i32.lt_u (local.get $c) (i32.const 2))))
        (local.set $ql (i32.add (local.get $ql) (i32.const 32)))
        (local.set $o (i32.add (local.get $o) (i32.const 192)))
        (local.set $e (i32.add (local.get $e) (i32.const 128)))
        (local.set $sv (i8x16.shuffle 8 9 10 11 12 13 14 15 0 1 2 3 4 5 6 7 (local.get $sv) (local.get $sv)))
        (local.set $half (i32.add (local.get $half) (i32.const 1)))
        (br_if $halves (i32.lt_u (local.get $half) (i32.const 2))))
      (local.set $p (i32.add (local.get $p) (i32.const 210)))
      (local.set $dst (i32.add (local.get $dst) (i32.const 1024)))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end)))))

  ;; One token's dot product with a row unpacked at $u ($nb super-blocks), 32 values per step.
  (func $row_unpacked (param $u i32) (param $nb i32) (param $q i32) (param $s i32) (param $six i32) (result f32)
    (local $acc v128) (local $isum v128) (local $a v128) (local $b v128) (local $e i32) (local $stop i32)
    (local $end i32) (local $dx f32)
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $nb) (i32.const 10))))
    (loop $blocks
      (local.set $dx (f32.load (local.get $s)))
      (local.set $isum (v128.const i32x4 0 0 0 0))
      (if (local.get $six)
        (then
          (local.set $isum
            (i32x4.sub (v128.const i32x4 0 0 0 0)
              (i32x4.shl
                (i32x4.add
                  (i32x4.dot_i16x8_s (v128.load offset=768 (local.get $u)) (v128.load offset=16 (local.get $s)))
                  (i32x4.dot_i16x8_s (v128.load offset=784 (local.get $u)) (v128.load offset=32 (local.get $s))))
                (i32.const 5))))))
      (local.set $stop (i32.add (local.get $u) (i32.const 512)))
      (local.set $e (local.get $stop))
      (loop $pieces
        (local.set $a
          (i16x8.add
            (i16x8.mul (v128.load offset=0 (local.get $u)) (v128.load offset=0 (local.get $q)))
            (i16x8.mul (v128.load offset=16 (local.get $u)) (v128.load offset=16 (local.get $q)))))
        (local.set $b
          (i16x8.add
            (i16x8.mul (v128.load offset=32 (local.get $u)) (v128.load offset=32 (local.get $q)))
            (i16x8.mul (v128.load offset=48 (local.get $u)) (v128.load offset=48 (local.get $q)))))
        (local.set $isum
          (i32x4.add (local.get $isum)
            (i32x4.add
              (i32x4.dot_i16x8_s (local.get $a) (v128.load offset=0 (local.get $e)))
              (i32x4.dot_i16x8_s (local.get $b) (v128.load offset=16 (local.get $e))))))
        (local.set $u (i32.add (local.get $u) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $e (i32.add (local.get $e) (i32.const 32)))
        (br_if $pieces (i32.lt_u (local.get $u) (local.get $stop))))
      ;; $u is 512 past the super-block: its d at 288, dmin at 292, mins at 256
      (if (local.get $six)
        (then
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
                (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx)))))))
        (else
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.sub
                (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
                  (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx))))
                (f32x4.mul (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (v128.load offset=256 (local.get $u)) (v128.load offset=48 (local.get $s))))
                  (f32x4.splat (f32.mul (f32.load offset=292 (local.get $u)) (local.get $dx)))))))))
      (local.set $u (i32.add (local.get $u) (i32.const 512)))
      (local.set $s (i32.add (local.get $s) (i32.const 64)))
      (br_if $blocks (i32.lt_u (local.get $u) (local.get $end))))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; $row_unpacked for two tokens at once (q, s and q2, s2), sharing the weight and scale loads;
  ;; each token's integers and float steps are $row_unpacked's.
  (func $row2_unpacked (param $u i32) (param $nb i32) (param $q i32) (param $s i32) (param $q2 i32) (param $s2 i32)
    (param $six i32) (result f32 f32)
    (local $acc v128) (local $acc2 v128) (local $isum v128) (local $isum2 v128) (local $w0 v128) (local $w1 v128)
    (local $w2 v128) (local $w3 v128) (local $e0 v128) (local $e1 v128) (local $e i32) (local $stop i32)
    (local $end i32) (local $dx f32) (local $dx2 f32)
    (local.set $end (i32.add (local.get $u) (i32.shl (local.get $nb) (i32.const 10))))
    (loop $blocks
      (local.set $dx (f32.load (local.get $s)))
      (local.set $dx2 (f32.load (local.get $s2)))
      (local.set $isum (v128.const i32x4 0 0 0 0))
      (local.set $isum2 (v128.const i32x4 0 0 0 0))
      (if (local.get $six)
        (then
          (local.set $isum
            (i32x4.sub (v128.const i32x4 0 0 0 0)
              (i32x4.shl
                (i32x4.add
                  (i32x4.dot_i16x8_s (v128.load offset=768 (local.get $u)) (v128.load offset=16 (local.get $s)))
                  (i32x4.dot_i16x8_s (v128.load offset=784 (local.get $u)) (v128.load offset=32 (local.get $s))))
                (i32.const 5))))
          (local.set $isum2
            (i32x4.sub (v128.const i32x4 0 0 0 0)
              (i32x4.shl
                (i32x4.add
                  (i32x4.dot_i16x8_s (v128.load offset=768 (local.get $u)) (v128.load offset=16 (local.get $s2)))
                  (i32x4.dot_i16x8_s (v128.load offset=784 (local.get $u)) (v128.load offset=32 (local.get $s2))))
                (i32.const 5))))))
      (local.set $stop (i32.add (local.get $u) (i32.const 512)))
      (local.set $e (local.get $stop))
      (loop $pieces
        (local.set $w0 (v128.load offset=0 (local.get $u)))
        (local.set $w1 (v128.load offset=16 (local.get $u)))
        (local.set $w2 (v128.load offset=32 (local.get $u)))
        (local.set $w3 (v128.load offset=48 (local.get $u)))
        (local.set $e0 (v128.load offset=0 (local.get $e)))
        (local.set $e1 (v128.load offset=16 (local.get $e)))
        (local.set $isum
          (i32x4.add (local.get $isum)
            (i32x4.add
              (i32x4.dot_i16x8_s
                (i16x8.add (i16x8.mul (local.get $w0) (v128.load offset=0 (local.get $q))) (i16x8.mul (local.get $w1) (v128.load offset=16 (local.get $q))))
                (local.get $e0))
              (i32x4.dot_i16x8_s
                (i16x8.add (i16x8.mul (local.get $w2) (v128.load offset=32 (local.get $q))) (i16x8.mul (local.get $w3) (v128.load offset=48 (local.get $q))))
                (local.get $e1)))))
        (local.set $isum2
          (i32x4.add (local.get $isum2)
            (i32x4.add
              (i32x4.dot_i16x8_s
                (i16x8.add (i16x8.mul (local.get $w0) (v128.load offset=0 (local.get $q2))) (i16x8.mul (local.get $w1) (v128.load offset=16 (local.get $q2))))
                (local.get $e0))
              (i32x4.dot_i16x8_s
                (i16x8.add (i16x8.mul (local.get $w2) (v128.load offset=32 (local.get $q2))) (i16x8.mul (local.get $w3) (v128.load offset=48 (local.get $q2))))
                (local.get $e1)))))
        (local.set $u (i32.add (local.get $u) (i32.const 64)))
        (local.set $q (i32.add (local.get $q) (i32.const 64)))
        (local.set $q2 (i32.add (local.get $q2) (i32.const 64)))
        (local.set $e (i32.add (local.get $e) (i32.const 32)))
        (br_if $pieces (i32.lt_u (local.get $u) (local.get $stop))))
      (if (local.get $six)
        (then
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
                (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum2))
                (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx2)))))))
        (else
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.sub
                (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum))
                  (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx))))
                (f32x4.mul (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (v128.load offset=256 (local.get $u)) (v128.load offset=48 (local.get $s))))
                  (f32x4.splat (f32.mul (f32.load offset=292 (local.get $u)) (local.get $dx)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.sub
                (f32x4.mul (f32x4.convert_i32x4_s (local.get $isum2))
                  (f32x4.splat (f32.mul (f32.load offset=288 (local.get $u)) (local.get $dx2))))
                (f32x4.mul (f32x4.convert_i32x4_s (i32x4.dot_i16x8_s (v128.load offset=256 (local.get $u)) (v128.load offset=48 (local.get $s2))))
                  (f32x4.splat (f32.mul (f32.load offset=292 (local.get $u)) (local.get $dx2)))))))))
      (local.set $u (i32.add (local.get $u) (i32.const 512)))
      (local.set $s (i32.add (local.get $s) (i32.const 64)))
      (local.set $s2 (i32.add (local.get $s2) (i32.const 64)))
      (br_if $blocks (i32.lt_u (local.get $u) (local.get $end))))
    (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc2)) (f32x4.extract_lane 1 (local.get $acc2))) (f32.add (f32x4.extract_lane 2 (local.get $acc2)) (f32x4.extract_lane 3 (local.get $acc2)))))

;; out (n, d) = x (n, k) @ W^T for rows r0..r1 of q4_K / q5_K / q6_K W (d, k), x from quantize_k.
  ;; One token: $row_q45k / $row_q6k per row. More: rows in tiles of ~128 KB, and per group of up
  ;; to 16 tokens each row of the tile unpacked into $scratch (k · 4 bytes) and multiplied by the
  ;; group's tokens, two at a time: a prefill streams the weights once.
  (func (export "matmul_k") (param $t i32) (param $w i32) (param $xq i32) (param $xs i32) (param $out i32)
    (param $n i32) (param $d i32) (param $k i32) (param $r0 i32) (param $r1 i32) (param $scratch i32)
    (local $nb i32) (local $rb i32) (local $qrow i32) (local $srow i32) (local $tile i32) (local $jt i32)
    (local $je i32) (local $j i32) (local $t0 i32) (local $t1 i32) (local $tok i32) (local $p i32)
    (local $end i32) (local $q i32) (local $s i32) (local $o i32) (local $six i32) (local $f1 f32) (local $f2 f32)
    (local.set $nb (i32.shr_u (local.get $k) (i32.const 8)))
    (local.set $rb (call $rowBytes (local.get $t) (local.get $k)))
    (local.set $six (i32.eq (local.get $t) (i32.const 7)))
    (if (i32.ge_u (local.get $r0) (local.get $r1)) (then (return)))
    (if (i32.eq (local.get $n) (i32.const 1))
      (then
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $r0) (i32.const 2))))
        (local.set $p (i32.add (local.get $w) (i32.mul (local.get $r0) (local.get $rb))))
        (local.set $end (i32.add (local.get $w) (i32.mul (local.get $r1) (local.get $rb))))
        (if (local.get $six)
          (then
            (loop $rows6
              (f32.store (local.get $o) (call $row_q6k (local.get $p) (local.get $nb) (local.get $xq) (local.get $xs)))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (local.set $p (i32.add (local.get $p) (local.get $rb)))
              (br_if $rows6 (i32.lt_u (local.get $p) (local.get $end)))))
          (else
            (loop $rows45
              (f32.store (local.get $o)
                (call $row_q45k (local.get $p) (local.get $nb) (local.get $xq) (local.get $xs) (i32.eq (local.get $t) (i32.const 6))))
              (local.set $o (i32.add (local.get $o) (i32.const 4)))
              (local.set $p (i32.add (local.get $p) (local.get $rb)))
              (br_if $rows45 (i32.lt_u (local.get $p) (local.get $end))))))
        (return)))
    (local.set $qrow (i32.shl (local.get $nb) (i32.const 9)))
    (local.set $srow (i32.shl (local.get $nb) (i32.const 6)))
    (local.set $tile (i32.div_u (i32.const 131072) (local.get $rb)))
    (if (i32.eqz (local.get $tile)) (then (local.set $tile (i32.const 1))))
    (local.set $jt (local.get $r0))
    (loop $tiles
      (local.set $je (i32.add (local.get $jt) (local.get $tile)))
      (if (i32.gt_u (local.get $je) (local.get $r1)) (then (local.set $je (local.get $r1))))
      (local.set $t0 (i32.const 0))
      (loop $groups
        (local.set $t1 (i32.add (local.get $t0) (i32.const 16)))
        (if (i32.gt_u (local.get $t1) (local.get $n)) (then (local.set $t1 (local.get $n))))
        (local.set $j (local.get $jt))
        (loop $rows
          (local.set $p (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
          (if (local.get $six)
            (then (call $unpack_q6k (local.get $p) (local.get $nb) (local.get $scratch)))
            (else (call $unpack_q45k (local.get $p) (local.get $nb) (local.get $scratch) (i32.eq (local.get $t) (i32.const 6)))))
          ;; pairs of tokens, then one
          (local.set $tok (local.get $t0))
          (block $pairsDone
            (loop $pairs
              (br_if $pairsDone (i32.ge_u (i32.add (local.get $tok) (i32.const 1)) (local.get $t1)))
              (local.set $q (i32.add (local.get $xq) (i32.mul (local.get $tok) (local.get $qrow))))
              (local.set $s (i32.add (local.get $xs) (i32.mul (local.get $tok) (local.get $srow))))
              (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $j)) (i32.const 2))))
              (call $row2_unpacked (local.get $scratch) (local.get $nb) (local.get $q) (local.get $s)
                (i32.add (local.get $q) (local.get $qrow)) (i32.add (local.get $s) (local.get $srow)) (local.get $six))
              (local.set $f2)
              (local.set $f1)
              (f32.store (local.get $o) (local.get $f1))
              (f32.store (i32.add (local.get $o) (i32.shl (local.get $d) (i32.const 2))) (local.get $f2))
              (local.set $tok (i32.add (local.get $tok) (i32.const 2)))
              (br $pairs)))
          (if (i32.lt_u (local.get $tok) (local.get $t1))
            (then
              (f32.store
                (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $j)) (i32.const 2)))
                (call $row_unpacked (local.get $scratch) (local.get $nb)
                  (i32.add (local.get $xq) (i32.mul (local.get $tok) (local.get $qrow)))
                  (i32.add (local.get $xs) (i32.mul (local.get $tok) (local.get $srow)))
                  (local.get $six)))))
          (local.set $j (i32.add (local.get $j) (i32.const 1)))
          (br_if $rows (i32.lt_u (local.get $j) (local.get $je))))
        (local.set $t0 (local.get $t1))
        (br_if $groups (i32.lt_u (local.get $t0) (local.get $n))))
      (local.set $jt (local.get $je))
      (br_if $tiles (i32.lt_u (local.get $jt) (local.get $r1)))))

  ;; One row of any dtype to f32 at $y (used for K-quants and for tests of the decoders).
  (func $dequant_row (export "dequant_row") (param $t i32) (param $w i32) (param $y i32) (param $k i32)
    (block $q6 (block $q45 (block $other
      (br_table $other $other $other $other $other $q45 $q45 $q6 (local.get $t)))
      ;; f32/f16/bf16/q8_0/q4_0: a dot with one-hot vectors would be silly; rows of those types
      ;; are decoded in TypeScript (rows.ts) and never reach here.
      (unreachable))
      (call $dequant_q45_k (local.get $w) (local.get $y) (local.get $k) (i32.eq (local.get $t) (i32.const 6)))
      (return))
    (call $dequant_q6_k (local.get $w) (local.get $y) (local.get $k)))

  ;; f32 x times a row of f32 / f16 / bf16 (q8_0 and q4_0 go through matmul_q)
  (func $dot (param $t i32) (param $w i32) (param $x i32) (param $k i32) (result f32)
    (if (i32.eqz (local.get $t)) (then (return (call $dot_f32 (local.get $w) (local.get $x) (local.get $k)))))
    (call $dot_half (local.get $w) (local.get $x) (local.get $k) (i32.eq (local.get $t) (i32.const 2))))

  ;; ---------------------------------------------------------------- matrix products

  ;; out (n, d) = x (n, k) @ W^T for rows r0..r1 of W (d, k) of dtype t. K-quant rows are decoded
  ;; once into $scratch (k floats, this thread's) and reused for every token. A row stays in L1
  ;; while every token of the chunk reads it, so a prefill streams the weights once.
  (func (export "matmul") (param $t i32) (param $w i32) (param $x i32) (param $out i32) (param $n i32)
    (param $d i32) (param $k i32) (param $r0 i32) (param $r1 i32) (param $scratch i32)
    (local $j i32) (local $tok i32) (local $row i32) (local $rb i32) (local $xb i32) (local $kq i32)
    (local $o i32) (local $s1 f32) (local $s2 f32)
    (local.set $rb (call $rowBytes (local.get $t) (local.get $k)))
    (local.set $xb (i32.shl (local.get $k) (i32.const 2)))
    (local.set $kq (i32.ge_u (local.get $t) (i32.const 5)))
    (local.set $j (local.get $r0))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $j) (local.get $r1)))
        (local.set $row (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
        (if (local.get $kq)
          (then
            (call $dequant_row (local.get $t) (local.get $row) (local.get $scratch) (local.get $k))
            (local.set $row (local.get $scratch))))
        (local.set $tok (i32.const 0))
        ;; f32 rows (and decoded K-quant rows): tokens in pairs sharing the row's loads
        (if (i32.or (i32.eqz (local.get $t)) (local.get $kq))
          (then
            (block $pairsDone
              (loop $pairs
                (br_if $pairsDone (i32.ge_u (i32.add (local.get $tok) (i32.const 1)) (local.get $n)))
                (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $j)) (i32.const 2))))
                (call $dot2_f32 (local.get $row)
                  (i32.add (local.get $x) (i32.mul (local.get $tok) (local.get $xb)))
                  (i32.add (local.get $x) (i32.mul (i32.add (local.get $tok) (i32.const 1)) (local.get $xb)))
                  (local.get $k))
                (local.set $s2)
                (local.set $s1)
                (f32.store (local.get $o) (local.get $s1))
                (f32.store (i32.add (local.get $o) (i32.shl (local.get $d) (i32.const 2))) (local.get $s2))
                (local.set $tok (i32.add (local.get $tok) (i32.const 2)))
                (br $pairs)))))
        (block $toksDone
          (loop $toks
            (br_if $toksDone (i32.ge_u (local.get $tok) (local.get $n)))
            (f32.store
              (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $j)) (i32.const 2)))
              (call $dot
                (select (i32.const 0) (local.get $t) (local.get $kq))
                (local.get $row)
                (i32.add (local.get $x) (i32.mul (local.get $tok) (local.get $xb)))
                (local.get $k)))
            (local.set $tok (i32.add (local.get $tok) (i32.const 1)))
            (br $toks)))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $rows))))

  ;; ---------------------------------------------------------------- q8_0 / q4_0 products

  ;; Quantized weights are multiplied in integers (i32x4.dot_i16x8_s) against activations quantized
  ;; per 32-value block. Exact path ($two = 1): x = d1·hi + d2·lo with hi = round(x / d1),
  ;; d1 = amax / 32767, lo = round((x - d1·hi) / d2), d2 = d1 / 32766: 31 bits per block, as precise
  ;; as f32 arithmetic on the dequantized weights. Fast path ($two = 0): llama.cpp's q8 activations,
  ;; d = amax / 127, one integer dot per block. Blocks are stored as i16: 64 bytes (hi) or 128
  ;; (hi, lo) at $xq, with f32 scales (d1 or d1, d2) at $xs.

  ;; One pair of f32x4 (8 values) -> i16 at $dst (and the residual's at $dst + 64 when $two).
  (func $quantize_pair (param $va v128) (param $vb v128) (param $id v128) (param $d v128) (param $id2 v128)
    (param $dst i32) (param $two i32)
    (local $qa v128) (local $qb v128)
    (local.set $qa (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $va) (local.get $id)))))
    (local.set $qb (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul (local.get $vb) (local.get $id)))))
    (v128.store (local.get $dst) (i16x8.narrow_i32x4_s (local.get $qa) (local.get $qb)))
    (if (local.get $two)
      (then
        (v128.store offset=64 (local.get $dst)
          (i16x8.narrow_i32x4_s
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
              (f32x4.sub (local.get $va) (f32x4.mul (f32x4.convert_i32x4_s (local.get $qa)) (local.get $d)))
              (local.get $id2))))
            (i32x4.trunc_sat_f32x4_s (f32x4.nearest (f32x4.mul
              (f32x4.sub (local.get $vb) (f32x4.mul (f32x4.convert_i32x4_s (local.get $qb)) (local.get $d)))
              (local.get $id2)))))))))

  ;; x (count values, count % 32 == 0) -> blocks at $xq and scales at $xs, as described above.
  (func (export "quantize_x") (param $x i32) (param $xq i32) (param $xs i32) (param $count i32) (param $two i32)
    (local $end i32) (local $m v128) (local $amax f32) (local $d f32) (local $d2 f32) (local $inv f32)
    (local $id v128) (local $dv v128) (local $id2 v128)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $v4 v128) (local $v5 v128) (local $v6 v128) (local $v7 v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $count) (i32.const 2))))
    (block $done
      (loop $b
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v0 (v128.load (local.get $x)))
        (local.set $v1 (v128.load offset=16 (local.get $x)))
        (local.set $v2 (v128.load offset=32 (local.get $x)))
        (local.set $v3 (v128.load offset=48 (local.get $x)))
        (local.set $v4 (v128.load offset=64 (local.get $x)))
        (local.set $v5 (v128.load offset=80 (local.get $x)))
        (local.set $v6 (v128.load offset=96 (local.get $x)))
        (local.set $v7 (v128.load offset=112 (local.get $x)))
        (local.set $m
          (f32x4.max
            (f32x4.max (f32x4.max (f32x4.abs (local.get $v0)) (f32x4.abs (local.get $v1))) (f32x4.max (f32x4.abs (local.get $v2)) (f32x4.abs (local.get $v3))))
            (f32x4.max (f32x4.max (f32x4.abs (local.get $v4)) (f32x4.abs (local.get $v5))) (f32x4.max (f32x4.abs (local.get $v6)) (f32x4.abs (local.get $v7))))))
        (local.set $amax
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $m)) (f32x4.extract_lane 1 (local.get $m)))
            (f32.max (f32x4.extract_lane 2 (local.get $m)) (f32x4.extract_lane 3 (local.get $m)))))
        (local.set $d (f32.div (local.get $amax) (select (f32.const 32767) (f32.const 127) (local.get $two))))
        (local.set $d2 (f32.div (local.get $d) (f32.const 32766)))
        ;; 1 / d, or 0 where that is not finite: d = 0, or a block so small (amax below ~4e-37,
        ;; 2^-128 · 127) that 1 / d overflows, which would round every value to the largest quant
        ;; (then beyond i8 in the relaxed build's narrowing); such a block counts as zeros
        (local.set $inv (f32.div (f32.const 1) (local.get $d)))
        (local.set $id (f32x4.splat (select (local.get $inv) (f32.const 0) (f32.lt (local.get $inv) (f32.const inf)))))
        (local.set $inv (f32.div (f32.const 1) (local.get $d2)))
        (local.set $id2 (f32x4.splat (select (local.get $inv) (f32.const 0) (f32.lt (local.get $inv) (f32.const inf)))))
        (local.set $dv (f32x4.splat (local.get $d)))
        (f32.store (local.get $xs) (local.get $d))
        (call $quantize_pair (local.get $v0) (local.get $v1) (local.get $id) (local.get $dv) (local.get $id2) (local.get $xq) (local.get $two))
        (call $quantize_pair (local.get $v2) (local.get $v3) (local.get $id) (local.get $dv) (local.get $id2) (i32.add (local.get $xq) (i32.const 16)) (local.get $two))
        (call $quantize_pair (local.get $v4) (local.get $v5) (local.get $id) (local.get $dv) (local.get $id2) (i32.add (local.get $xq) (i32.const 32)) (local.get $two))
        (call $quantize_pair (local.get $v6) (local.get $v7) (local.get $id) (local.get $dv) (local.get $id2) (i32.add (local.get $xq) (i32.const 48)) (local.get $two))
        (local.set $x (i32.add (local.get $x) (i32.const 128)))
        (if (local.get $two)
          (then
            (f32.store offset=4 (local.get $xs) (local.get $d2))
            (local.set $xq (i32.add (local.get $xq) (i32.const 128)))
            (local.set $xs (i32.add (local.get $xs) (i32.const 8))))
          (else
            (local.set $xq (i32.add (local.get $xq) (i32.const 64)))
            (local.set $xs (i32.add (local.get $xs) (i32.const 4)))))
        (br $b))))

  ;; One token's dot product with one q8_0/q4_0 row (p..end): matmul_q's single-token loops, in a
  ;; function of their own so their registers are not shared with the two-token loops. q4_0 on
  ;; 8-bit activations has its own path ($row_q4f below), so q4_0 here is always the exact path.
  ;; The q8_0 fast path takes 4 blocks a pass ($q8x4s), their 4 weight scales widened at once
  ;; (lane j of $d is block j's d_w · d_x, the bits of the one-block loop's scalar product), then
  ;; the blocks left one at a time. $f is this thread's 16 scratch bytes: storing the sum there
  ;; after each of a pass's first three blocks keeps TurboFan from hoisting all 4 blocks' loads above their arithmetic,
  ;; which spills registers (with the stores: 1.3x the one-block loop; without: slower than it).
  (func $row_q (param $four i32) (param $two i32) (param $p i32) (param $end i32) (param $q i32) (param $s i32) (param $f i32) (result v128)
    (local $end4 i32) (local $d v128) (local $acc v128) (local $v v128) (local $e0 v128) (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $dw f32)
    (local.set $end4 (i32.add (local.get $p) (i32.mul (i32.div_u (i32.sub (local.get $end) (local.get $p)) (i32.const 136)) (i32.const 136))))
                (if (local.get $four)
          (then
            (loop $q4x2s
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $e1 (i8x16.sub (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e3 (i8x16.sub (i8x16.shr_u (local.get $v) (i32.const 4)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 18)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (br_if $q4x2s (i32.lt_u (local.get $p) (local.get $end)))))
          (else
            (if (local.get $two)
              (then
        (loop $q8x2s
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (br_if $q8x2s (i32.lt_u (local.get $p) (local.get $end)))))
              (else
        (if (i32.lt_u (local.get $p) (local.get $end4)) (then
        (loop $q8x4s
          (local.set $d
            (f32x4.mul
              (f32x4.mul
                (v128.and
                  (i32x4.shl
                    (i32x4.extend_low_i16x8_s
                      (v128.load16_lane offset=102 3 (local.get $p)
                        (v128.load16_lane offset=68 2 (local.get $p)
                          (v128.load16_lane offset=34 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                    (i32.const 13))
                  (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
              (v128.load (local.get $s))))
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e1)) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e1)) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e3)) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e3)) (v128.load offset=48 (local.get $q))))))
                (i8x16.shuffle 0 1 2 3 0 1 2 3 0 1 2 3 0 1 2 3 (local.get $d) (local.get $d)))))
          (v128.store (local.get $f) (local.get $acc))
          (local.set $e1 (v128.load offset=36 (local.get $p)))
          (local.set $e3 (v128.load offset=52 (local.get $p)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e1)) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e1)) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e3)) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e3)) (v128.load offset=112 (local.get $q))))))
                (i8x16.shuffle 4 5 6 7 4 5 6 7 4 5 6 7 4 5 6 7 (local.get $d) (local.get $d)))))
          (v128.store (local.get $f) (local.get $acc))
          (local.set $e1 (v128.load offset=70 (local.get $p)))
          (local.set $e3 (v128.load offset=86 (local.get $p)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e1)) (v128.load offset=128 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e1)) (v128.load offset=144 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e3)) (v128.load offset=160 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e3)) (v128.load offset=176 (local.get $q))))))
                (i8x16.shuffle 8 9 10 11 8 9 10 11 8 9 10 11 8 9 10 11 (local.get $d) (local.get $d)))))
          (v128.store (local.get $f) (local.get $acc))
          (local.set $e1 (v128.load offset=104 (local.get $p)))
          (local.set $e3 (v128.load offset=120 (local.get $p)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e1)) (v128.load offset=192 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e1)) (v128.load offset=208 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (i16x8.extend_low_i8x16_s (local.get $e3)) (v128.load offset=224 (local.get $q)))
                      (i32x4.dot_i16x8_s (i16x8.extend_high_i8x16_s (local.get $e3)) (v128.load offset=240 (local.get $q))))))
                (i8x16.shuffle 12 13 14 15 12 13 14 15 12 13 14 15 12 13 14 15 (local.get $d) (local.get $d)))))
          (local.set $p (i32.add (local.get $p) (i32.const 136)))
          (local.set $q (i32.add (local.get $q) (i32.const 256)))
          (local.set $s (i32.add (local.get $s) (i32.const 16)))
          (br_if $q8x4s (i32.lt_u (local.get $p) (local.get $end4))))))
        (if (i32.lt_u (local.get $p) (local.get $end)) (then
        (loop $q8x1s
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 64)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (br_if $q8x1s (i32.lt_u (local.get $p) (local.get $end))))))))))
    (local.get $acc))

  ;; Two tokens' dot products with one row, sharing the widened weights (prefill).
  (func $row2_q (param $four i32) (param $two i32) (param $p i32) (param $end i32) (param $q i32) (param $s i32)
    (param $q2 i32) (param $s2 i32) (result v128 v128)
    (local $acc v128) (local $acc2 v128) (local $v v128) (local $e0 v128) (local $e1 v128) (local $e2 v128)
    (local $e3 v128) (local $dw f32)
                (if (local.get $four)
          (then
            (loop $q4x2p
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $e1 (i8x16.sub (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e3 (i8x16.sub (i8x16.shr_u (local.get $v) (i32.const 4)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s2)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 18)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 128)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 8)))
          (br_if $q4x2p (i32.lt_u (local.get $p) (local.get $end)))))
          (else
            (if (local.get $two)
              (then
        (loop $q8x2p
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s2)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 128)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 8)))
          (br_if $q8x2p (i32.lt_u (local.get $p) (local.get $end)))))
              (else
        (loop $q8x1p
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 64)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 64)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 4)))
          (br_if $q8x1p (i32.lt_u (local.get $p) (local.get $end))))))))
    (local.get $acc) (local.get $acc2))

  ;; Four tokens' dot products with one row, sharing the widened weights (prefill): each token's
  ;; accumulator sees exactly $row_q's sequence. Token i's blocks are at $q + i·$qrow, $s + i·$srow.
  (func $row4_q (param $four i32) (param $two i32) (param $p i32) (param $end i32) (param $q i32) (param $s i32)
    (param $qrow i32) (param $srow i32) (result v128 v128 v128 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $v v128) (local $e0 v128)
    (local $e1 v128) (local $e2 v128) (local $e3 v128) (local $dw f32)
    (local $q1 i32) (local $q2 i32) (local $q3 i32) (local $s1 i32) (local $s2 i32) (local $s3 i32)
    (local.set $q1 (i32.add (local.get $q) (local.get $qrow)))
    (local.set $q2 (i32.add (local.get $q1) (local.get $qrow)))
    (local.set $q3 (i32.add (local.get $q2) (local.get $qrow)))
    (local.set $s1 (i32.add (local.get $s) (local.get $srow)))
    (local.set $s2 (i32.add (local.get $s1) (local.get $srow)))
    (local.set $s3 (i32.add (local.get $s2) (local.get $srow)))
    (if (local.get $four)
      (then
        (loop $q4x2r4
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $e1 (i8x16.sub (v128.and (local.get $v) (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e3 (i8x16.sub (i8x16.shr_u (local.get $v) (i32.const 4)) (v128.const i8x16 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8 8)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q1))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q1))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s1)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q1))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q1))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s1)))))))
          (local.set $a2
            (f32x4.add (local.get $a2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $a2
            (f32x4.add (local.get $a2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s2)))))))
          (local.set $a3
            (f32x4.add (local.get $a3)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q3))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q3))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s3)))))))
          (local.set $a3
            (f32x4.add (local.get $a3)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q3))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q3))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s3)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 18)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 128)))
          (local.set $s1 (i32.add (local.get $s1) (i32.const 8)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 128)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 8)))
          (local.set $q3 (i32.add (local.get $q3) (i32.const 128)))
          (local.set $s3 (i32.add (local.get $s3) (i32.const 8)))
          (br_if $q4x2r4 (i32.lt_u (local.get $p) (local.get $end)))))
      (else
        (if (local.get $two)
          (then
        (loop $q8x2r4
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q1))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q1))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s1)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q1))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q1))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s1)))))))
          (local.set $a2
            (f32x4.add (local.get $a2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $a2
            (f32x4.add (local.get $a2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s2)))))))
          (local.set $a3
            (f32x4.add (local.get $a3)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q3))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q3))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s3)))))))
          (local.set $a3
            (f32x4.add (local.get $a3)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=64 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=80 (local.get $q3))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=96 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=112 (local.get $q3))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=4 (local.get $s3)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 128)))
          (local.set $s (i32.add (local.get $s) (i32.const 8)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 128)))
          (local.set $s1 (i32.add (local.get $s1) (i32.const 8)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 128)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 8)))
          (local.set $q3 (i32.add (local.get $q3) (i32.const 128)))
          (local.set $s3 (i32.add (local.get $s3) (i32.const 8)))
          (br_if $q8x2r4 (i32.lt_u (local.get $p) (local.get $end)))))
          (else
        (loop $q8x1r4
          (local.set $e1 (v128.load offset=2 (local.get $p)))
          (local.set $e3 (v128.load offset=18 (local.get $p)))
          (local.set $e0 (i16x8.extend_low_i8x16_s (local.get $e1)))
          (local.set $e1 (i16x8.extend_high_i8x16_s (local.get $e1)))
          (local.set $e2 (i16x8.extend_low_i8x16_s (local.get $e3)))
          (local.set $e3 (i16x8.extend_high_i8x16_s (local.get $e3)))
          (local.set $dw (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q1))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q1)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q1))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s1)))))))
          (local.set $a2
            (f32x4.add (local.get $a2)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q2))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q2)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q2))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s2)))))))
          (local.set $a3
            (f32x4.add (local.get $a3)
              (f32x4.mul
                (f32x4.convert_i32x4_s
                  (i32x4.add
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e0) (v128.load offset=0 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e1) (v128.load offset=16 (local.get $q3))))
                    (i32x4.add
                      (i32x4.dot_i16x8_s (local.get $e2) (v128.load offset=32 (local.get $q3)))
                      (i32x4.dot_i16x8_s (local.get $e3) (v128.load offset=48 (local.get $q3))))))
                (f32x4.splat (f32.mul (local.get $dw) (f32.load offset=0 (local.get $s3)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 34)))
          (local.set $q (i32.add (local.get $q) (i32.const 64)))
          (local.set $s (i32.add (local.get $s) (i32.const 4)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 64)))
          (local.set $s1 (i32.add (local.get $s1) (i32.const 4)))
          (local.set $q2 (i32.add (local.get $q2) (i32.const 64)))
          (local.set $s2 (i32.add (local.get $s2) (i32.const 4)))
          (local.set $q3 (i32.add (local.get $q3) (i32.const 64)))
          (local.set $s3 (i32.add (local.get $s3) (i32.const 4)))
          (br_if $q8x1r4 (i32.lt_u (local.get $p) (local.get $end))))))))
    (local.get $a0) (local.get $a1) (local.get $a2) (local.get $a3))

  ;; ---------------------------------------------------------------- q4_0 on 8-bit activations

  ;; The default q4_0 path (matmul_q's $two = 0), as llama.cpp's ggml_vec_dot_q4_0_q8_0: per block b
  ;; an exact integer Y_b = Σ (nibble - 8) · x_q, computed as X_b - C_b with X_b = Σ nibble · x_q
  ;; and C_b = 8 · Σ x_q (order_q4). Blocks go 4 at a time (a "quad"): the 4 blocks' X, each an
  ;; i32x4 of partial sums, are added across lanes into one i32x4 [X_4g .. X_4g+3], less the 4 C,
  ;; converted to f32 and multiplied by the 4 scales D_b = d_w · d_x, so lane j of the accumulator
  ;; sums blocks 4g + j; then lanes (l0 + l1) + (l2 + l3). A row's last 1-3 blocks make a partial
  ;; quad after the loop over full ones: the missing blocks' sums are 0 and their lanes' D = +0
  ;; (both factors masked to +0: no subnormal, whose multiply would cost a microcode assist), so
  ;; they add a zero, which leaves an accumulator lane as it was (one is never -0). Its 4 weight
  ;; scales are loaded at once, up to 38 bytes past the row (the arena keeps 128 bytes of memory
  ;; beyond its last block); order_q4 pads the activation scales and sums with zeros.
  ;; Integer sums are exact, so however X is computed (the two builds below, one token or a
  ;; prefill, any thread count) the results are the same bits.
  ;;
  ;; Two builds of this section (scripts/build-wasm.mjs keeps one side of each ;;#if):
  ;;   relaxed: activations as i8 in their order (the first 32 of each block's 64 bytes) and the
  ;;     nibbles as the 7-bit operand of i16x8.relaxed_dot_i8x16_i7x16_s (x86 pmaddubsw): (v & 15)
  ;;     are values 0..15 and (v >> 4) & 15 values 16..31. A block's partial sums stay in i16
  ;;     (|lane| <= 4 · 15 · 127 = 7620), the quad's are added across lanes in i16 (at most 4 of
  ;;     them a lane: 30480 fits) and one i32x4.dot with ones widens the 4 totals. On one core,
  ;;     1.2-1.3x the simd128 build's decoding and 1.4-1.5x its prompt speed, with the same bits.
  ;;   simd128: nibbles within i16 lanes, (v & 15), (v >> 8) & 15, (v >> 4) & 15 and v >> 12 are
  ;;     values (0, 2, .., 14), (1, 3, .., 15), (16, .., 30) and (17, .., 31), so order_q4 stores
  ;;     the activations as i16 in that order (64 bytes) and i32x4.dot_i16x8_s multiplies.
  ;; After each of a quad's first 3 blocks its sum is stored to $f (this thread's scratch): without
  ;; these stores TurboFan hoists all of the quad's loads above their arithmetic and spills
  ;; (measured: the stores make the quad loop 1.35x faster, fusing quads without them slower still).

  ;; quantize_x's blocks ($xq: i16, in order) and scales ($xs) of $n tokens of $nb blocks -> this
  ;; build's quads at $dst. Per token, 288 bytes per 4 blocks: 4 x 64 bytes of quants (relaxed: i8
  ;; in order, the first 32 bytes; simd128: i16 in the nibbles' order), then the 4 f32 scales
  ;; (offset 256) and the 4 sums C_b (272, i32), so a quad's loads go through one pointer. A
  ;; partial quad's missing blocks get scale 0 and sum 0.
  (func (export "order_q4") (param $xq i32) (param $xs i32) (param $dst i32) (param $nb i32) (param $n i32)
    (local $a v128) (local $b v128) (local $c v128) (local $d v128) (local $e v128)
    (local $t i32) (local $i i32) (local $qb i32) (local $slot i32) (local $row i32)
    (local.set $row (i32.mul (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)) (i32.const 288)))
    (block $tokensDone
      (loop $tokens
        (br_if $tokensDone (i32.ge_u (local.get $t) (local.get $n)))
        (if (i32.and (local.get $nb) (i32.const 3))
          (then
            (local.set $qb (i32.add (local.get $dst) (i32.sub (local.get $row) (i32.const 32))))
            (v128.store (local.get $qb) (v128.const i32x4 0 0 0 0))
            (v128.store offset=16 (local.get $qb) (v128.const i32x4 0 0 0 0))))
        (local.set $i (i32.const 0))
        (loop $blocks
          (local.set $qb (i32.add (local.get $dst) (i32.mul (i32.shr_u (local.get $i) (i32.const 2)) (i32.const 288))))
          (local.set $slot (i32.and (local.get $i) (i32.const 3)))
          (local.set $a (v128.load (local.get $xq)))
          (local.set $b (v128.load offset=16 (local.get $xq)))
          (local.set $c (v128.load offset=32 (local.get $xq)))
          (local.set $d (v128.load offset=48 (local.get $xq)))
          ;; C_b = 8 · Σ x_q (4 values a lane fit i16: |x_q| <= 127)
          (local.set $e (i32x4.extadd_pairwise_i16x8_s
            (i16x8.add (i16x8.add (local.get $a) (local.get $b)) (i16x8.add (local.get $c) (local.get $d)))))
          (i32.store offset=272 (i32.add (local.get $qb) (i32.shl (local.get $slot) (i32.const 2)))
            (i32.shl
              (i32.add
                (i32.add (i32x4.extract_lane 0 (local.get $e)) (i32x4.extract_lane 1 (local.get $e)))
                (i32.add (i32x4.extract_lane 2 (local.get $e)) (i32x4.extract_lane 3 (local.get $e))))
              (i32.const 3)))
          (f32.store offset=256 (i32.add (local.get $qb) (i32.shl (local.get $slot) (i32.const 2))) (f32.load (local.get $xs)))
          (local.set $qb (i32.add (local.get $qb) (i32.shl (local.get $slot) (i32.const 6))))
;;#if relaxed
          (v128.store (local.get $qb) (i8x16.narrow_i16x8_s (local.get $a) (local.get $b)))
          (v128.store offset=16 (local.get $qb) (i8x16.narrow_i16x8_s (local.get $c) (local.get $d)))
;;#else
          (v128.store (local.get $qb) (i8x16.shuffle 0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29 (local.get $a) (local.get $b)))
          (v128.store offset=16 (local.get $qb) (i8x16.shuffle 2 3 6 7 10 11 14 15 18 19 22 23 26 27 30 31 (local.get $a) (local.get $b)))
          (v128.store offset=32 (local.get $qb) (i8x16.shuffle 0 1 4 5 8 9 12 13 16 17 20 21 24 25 28 29 (local.get $c) (local.get $d)))
          (v128.store offset=48 (local.get $qb) (i8x16.shuffle 2 3 6 7 10 11 14 15 18 19 22 23 26 27 30 31 (local.get $c) (local.get $d)))
;;#end
          (local.set $xq (i32.add (local.get $xq) (i32.const 64)))
          (local.set $xs (i32.add (local.get $xs) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $blocks (i32.lt_u (local.get $i) (local.get $nb))))
        (local.set $dst (i32.add (local.get $dst) (local.get $row)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $tokens))))

  ;; One token's dot product with one q4_0 row of $nb blocks at $p, on activations from order_q4
  ;; at $q: full quads, then the partial one, as described above.
  (func $row_q4f (param $p i32) (param $nb i32) (param $q i32) (param $f i32) (result f32)
    (local $acc v128) (local $d v128) (local $v v128) (local $m v128) (local $one v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128) (local $mask v128) (local $left i32)
;;#if relaxed
    (local.set $m (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $one (v128.const i16x8 1 1 1 1 1 1 1 1))
;;#else
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
;;#end
    (local.set $left (local.get $nb))
    (block $fullDone
      (loop $quads
        (br_if $fullDone (i32.lt_s (local.get $left) (i32.const 4)))
    ;;#if relaxed
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $s0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $s0))
          (local.set $v (v128.load offset=20 (local.get $p)))
          (local.set $s1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $s1))
          (local.set $v (v128.load offset=38 (local.get $p)))
          (local.set $s2 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $s2))
          (local.set $v (v128.load offset=56 (local.get $p)))
          (local.set $s3 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=192 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=208 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $s0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $s2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          ;; the 4 scales d_w · d_x
          (local.set $d (f32x4.mul
              (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
              (v128.load offset=256 (local.get $q))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (local.get $d)
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2))))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 72)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#else
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $s0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=0 (local.get $q)))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=16 (local.get $q))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=32 (local.get $q)))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=48 (local.get $q))))))
          (v128.store (local.get $f) (local.get $s0))
          (local.set $v (v128.load offset=20 (local.get $p)))
          (local.set $s1 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=64 (local.get $q)))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=80 (local.get $q))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=96 (local.get $q)))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=112 (local.get $q))))))
          (v128.store (local.get $f) (local.get $s1))
          (local.set $v (v128.load offset=38 (local.get $p)))
          (local.set $s2 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=128 (local.get $q)))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=144 (local.get $q))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=160 (local.get $q)))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=176 (local.get $q))))))
          (v128.store (local.get $f) (local.get $s2))
          (local.set $v (v128.load offset=56 (local.get $p)))
          (local.set $s3 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=192 (local.get $q)))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=208 (local.get $q))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=224 (local.get $q)))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=240 (local.get $q))))))
          (local.set $s0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $s2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          ;; the 4 scales d_w · d_x
          (local.set $d (f32x4.mul
              (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
              (v128.load offset=256 (local.get $q))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (local.get $d)
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2)))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $p (i32.add (local.get $p) (i32.const 72)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#end
        (br $quads)))
    ;; the last 1-3 blocks: the same steps, missing blocks' sums 0 and scales +0
    (if (i32.gt_s (local.get $left) (i32.const 0))
      (then
    ;;#if relaxed
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $s0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $s0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $v (v128.load offset=20 (local.get $p)))
            (local.set $s1 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (v128.store (local.get $f) (local.get $s1))
            )
            (else (local.set $s1 (v128.const i32x4 0 0 0 0))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $v (v128.load offset=38 (local.get $p)))
            (local.set $s2 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q)) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q)) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (v128.store (local.get $f) (local.get $s2))
            )
            (else (local.set $s2 (v128.const i32x4 0 0 0 0))))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $s0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $s2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          ;; the 4 scales d_w · d_x
          (local.set $d (f32x4.mul
              (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
              (v128.load offset=256 (local.get $q))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (local.get $d)
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2))))
                    (v128.load offset=272 (local.get $q)))))))
    ;;#else
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $s0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=0 (local.get $q)))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=16 (local.get $q))))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=32 (local.get $q)))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=48 (local.get $q))))))
          (v128.store (local.get $f) (local.get $s0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $v (v128.load offset=20 (local.get $p)))
            (local.set $s1 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=64 (local.get $q)))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=80 (local.get $q))))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=96 (local.get $q)))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=112 (local.get $q))))))
            (v128.store (local.get $f) (local.get $s1))
            )
            (else (local.set $s1 (v128.const i32x4 0 0 0 0))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $v (v128.load offset=38 (local.get $p)))
            (local.set $s2 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (v128.load offset=128 (local.get $q)))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (v128.load offset=144 (local.get $q))))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (v128.load offset=160 (local.get $q)))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (v128.load offset=176 (local.get $q))))))
            (v128.store (local.get $f) (local.get $s2))
            )
            (else (local.set $s2 (v128.const i32x4 0 0 0 0))))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $s0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $s2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          ;; the 4 scales d_w · d_x
          (local.set $d (f32x4.mul
              (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
              (v128.load offset=256 (local.get $q))))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul (local.get $d)
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2)))
                    (v128.load offset=272 (local.get $q)))))))
    ;;#end
))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))

  ;; Two rows ($p, $p2) of $row_q4f at once, each activation block loaded once for both: $row_q4f's
  ;; operations for each row, so the same bits (matmul_q uses it on rows of up to 16 blocks: 1.04x).
  (func $row2r_q4f (param $p i32) (param $p2 i32) (param $nb i32) (param $q i32) (param $f i32) (result f32 f32)
    (local $acc v128) (local $acc2 v128) (local $v v128) (local $m v128) (local $one v128) (local $mask v128) (local $dx v128)
    (local $x0 v128) (local $x1 v128) (local $x2 v128) (local $x3 v128)
    (local $a0 v128) (local $a1 v128) (local $b0 v128) (local $b1 v128) (local $a01 v128) (local $b01 v128) (local $left i32)
;;#if relaxed
    (local.set $m (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
    (local.set $one (v128.const i16x8 1 1 1 1 1 1 1 1))
;;#else
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
;;#end
    (local.set $left (local.get $nb))
    (block $fullDone
      (loop $quads
        (br_if $fullDone (i32.lt_s (local.get $left) (i32.const 4)))
    ;;#if relaxed
          (local.set $x0 (v128.load offset=0 (local.get $q)))
          (local.set $x1 (v128.load offset=16 (local.get $q)))
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $a0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $v (v128.load offset=2 (local.get $p2)))
          (local.set $b0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (local.set $x0 (v128.load offset=64 (local.get $q)))
          (local.set $x1 (v128.load offset=80 (local.get $q)))
          (local.set $v (v128.load offset=20 (local.get $p)))
          (local.set $a1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $v (v128.load offset=20 (local.get $p2)))
          (local.set $b1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $a1))
          (v128.store offset=16 (local.get $f) (local.get $b1))
          (local.set $a01 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b01 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $x0 (v128.load offset=128 (local.get $q)))
          (local.set $x1 (v128.load offset=144 (local.get $q)))
          (local.set $v (v128.load offset=38 (local.get $p)))
          (local.set $a0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $v (v128.load offset=38 (local.get $p2)))
          (local.set $b0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (local.set $x0 (v128.load offset=192 (local.get $q)))
          (local.set $x1 (v128.load offset=208 (local.get $q)))
          (local.set $v (v128.load offset=56 (local.get $p)))
          (local.set $a1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $v (v128.load offset=56 (local.get $p2)))
          (local.set $b1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $a0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $dx (v128.load offset=256 (local.get $q)))
          (local.set $x0 (v128.load offset=272 (local.get $q)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a01) (local.get $a0))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a01) (local.get $a0)))) (local.get $x0))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p2)
                          (v128.load16_lane offset=36 2 (local.get $p2)
                            (v128.load16_lane offset=18 1 (local.get $p2) (v128.load16_splat (local.get $p2))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b01) (local.get $b0))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b01) (local.get $b0)))) (local.get $x0))))))
          (local.set $p (i32.add (local.get $p) (i32.const 72)))
          (local.set $p2 (i32.add (local.get $p2) (i32.const 72)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#else
          (local.set $x0 (v128.load offset=0 (local.get $q)))
          (local.set $x1 (v128.load offset=16 (local.get $q)))
          (local.set $x2 (v128.load offset=32 (local.get $q)))
          (local.set $x3 (v128.load offset=48 (local.get $q)))
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $a0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $v (v128.load offset=2 (local.get $p2)))
          (local.set $b0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (local.set $x0 (v128.load offset=64 (local.get $q)))
          (local.set $x1 (v128.load offset=80 (local.get $q)))
          (local.set $x2 (v128.load offset=96 (local.get $q)))
          (local.set $x3 (v128.load offset=112 (local.get $q)))
          (local.set $v (v128.load offset=20 (local.get $p)))
          (local.set $a1 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $v (v128.load offset=20 (local.get $p2)))
          (local.set $b1 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (v128.store (local.get $f) (local.get $a1))
          (v128.store offset=16 (local.get $f) (local.get $b1))
          (local.set $a01 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b01 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $x0 (v128.load offset=128 (local.get $q)))
          (local.set $x1 (v128.load offset=144 (local.get $q)))
          (local.set $x2 (v128.load offset=160 (local.get $q)))
          (local.set $x3 (v128.load offset=176 (local.get $q)))
          (local.set $v (v128.load offset=38 (local.get $p)))
          (local.set $a0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $v (v128.load offset=38 (local.get $p2)))
          (local.set $b0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (local.set $x0 (v128.load offset=192 (local.get $q)))
          (local.set $x1 (v128.load offset=208 (local.get $q)))
          (local.set $x2 (v128.load offset=224 (local.get $q)))
          (local.set $x3 (v128.load offset=240 (local.get $q)))
          (local.set $v (v128.load offset=56 (local.get $p)))
          (local.set $a1 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $v (v128.load offset=56 (local.get $p2)))
          (local.set $b1 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $a0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $dx (v128.load offset=256 (local.get $q)))
          (local.set $x0 (v128.load offset=272 (local.get $q)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a01) (local.get $a0))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a01) (local.get $a0))) (local.get $x0))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p2)
                          (v128.load16_lane offset=36 2 (local.get $p2)
                            (v128.load16_lane offset=18 1 (local.get $p2) (v128.load16_splat (local.get $p2))))))
                      (i32.const 13))
                    (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b01) (local.get $b0))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b01) (local.get $b0))) (local.get $x0))))))
          (local.set $p (i32.add (local.get $p) (i32.const 72)))
          (local.set $p2 (i32.add (local.get $p2) (i32.const 72)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#end
        (br $quads)))
    ;; the last 1-3 blocks: the same steps, missing blocks' sums 0 and scales +0
    (if (i32.gt_s (local.get $left) (i32.const 0))
      (then
    ;;#if relaxed
          (local.set $x0 (v128.load offset=0 (local.get $q)))
          (local.set $x1 (v128.load offset=16 (local.get $q)))
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $a0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (local.set $v (v128.load offset=2 (local.get $p2)))
          (local.set $b0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
            (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $x0 (v128.load offset=64 (local.get $q)))
            (local.set $x1 (v128.load offset=80 (local.get $q)))
            (local.set $v (v128.load offset=20 (local.get $p)))
            (local.set $a1 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (local.set $v (v128.load offset=20 (local.get $p2)))
            (local.set $b1 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (v128.store (local.get $f) (local.get $a1))
            (v128.store offset=16 (local.get $f) (local.get $b1))
            )
            (else (local.set $a1 (v128.const i32x4 0 0 0 0)) (local.set $b1 (v128.const i32x4 0 0 0 0))))
          (local.set $a01 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b01 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $x0 (v128.load offset=128 (local.get $q)))
            (local.set $x1 (v128.load offset=144 (local.get $q)))
            (local.set $v (v128.load offset=38 (local.get $p)))
            (local.set $a0 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (local.set $v (v128.load offset=38 (local.get $p2)))
            (local.set $b0 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x0) (v128.and (local.get $v) (local.get $m)))
              (i16x8.relaxed_dot_i8x16_i7x16_s (local.get $x1) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))))
            (v128.store (local.get $f) (local.get $a0))
            (v128.store offset=16 (local.get $f) (local.get $b0))
            )
            (else (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $b0 (v128.const i32x4 0 0 0 0))))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $b1 (v128.const i32x4 0 0 0 0))
          (local.set $a0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          (local.set $dx (v128.load offset=256 (local.get $q)))
          (local.set $x0 (v128.load offset=272 (local.get $q)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a01) (local.get $a0))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a01) (local.get $a0)))) (local.get $x0))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p2)
                          (v128.load16_lane offset=36 2 (local.get $p2)
                            (v128.load16_lane offset=18 1 (local.get $p2) (v128.load16_splat (local.get $p2))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b01) (local.get $b0))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b01) (local.get $b0)))) (local.get $x0))))))
    ;;#else
          (local.set $x0 (v128.load offset=0 (local.get $q)))
          (local.set $x1 (v128.load offset=16 (local.get $q)))
          (local.set $x2 (v128.load offset=32 (local.get $q)))
          (local.set $x3 (v128.load offset=48 (local.get $q)))
          (local.set $v (v128.load offset=2 (local.get $p)))
          (local.set $a0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (local.set $v (v128.load offset=2 (local.get $p2)))
          (local.set $b0 (i32x4.add
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
            (i32x4.add
              (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
              (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
          (v128.store (local.get $f) (local.get $a0))
          (v128.store offset=16 (local.get $f) (local.get $b0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $x0 (v128.load offset=64 (local.get $q)))
            (local.set $x1 (v128.load offset=80 (local.get $q)))
            (local.set $x2 (v128.load offset=96 (local.get $q)))
            (local.set $x3 (v128.load offset=112 (local.get $q)))
            (local.set $v (v128.load offset=20 (local.get $p)))
            (local.set $a1 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
            (local.set $v (v128.load offset=20 (local.get $p2)))
            (local.set $b1 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
            (v128.store (local.get $f) (local.get $a1))
            (v128.store offset=16 (local.get $f) (local.get $b1))
            )
            (else (local.set $a1 (v128.const i32x4 0 0 0 0)) (local.set $b1 (v128.const i32x4 0 0 0 0))))
          (local.set $a01 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b01 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $x0 (v128.load offset=128 (local.get $q)))
            (local.set $x1 (v128.load offset=144 (local.get $q)))
            (local.set $x2 (v128.load offset=160 (local.get $q)))
            (local.set $x3 (v128.load offset=176 (local.get $q)))
            (local.set $v (v128.load offset=38 (local.get $p)))
            (local.set $a0 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
            (local.set $v (v128.load offset=38 (local.get $p2)))
            (local.set $b0 (i32x4.add
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (local.get $v) (local.get $m)) (local.get $x0))
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)) (local.get $x1)))
              (i32x4.add
                (i32x4.dot_i16x8_s (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)) (local.get $x2))
                (i32x4.dot_i16x8_s (i16x8.shr_u (local.get $v) (i32.const 12)) (local.get $x3)))))
            (v128.store (local.get $f) (local.get $a0))
            (v128.store offset=16 (local.get $f) (local.get $b0))
            )
            (else (local.set $a0 (v128.const i32x4 0 0 0 0)) (local.set $b0 (v128.const i32x4 0 0 0 0))))
          (local.set $a1 (v128.const i32x4 0 0 0 0))
          (local.set $b1 (v128.const i32x4 0 0 0 0))
          (local.set $a0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a0) (local.get $a1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a0) (local.get $a1))))
          (local.set $b0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b0) (local.get $b1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b0) (local.get $b1))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          (local.set $dx (v128.load offset=256 (local.get $q)))
          (local.set $x0 (v128.load offset=272 (local.get $q)))
          (local.set $acc
            (f32x4.add (local.get $acc)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p)
                          (v128.load16_lane offset=36 2 (local.get $p)
                            (v128.load16_lane offset=18 1 (local.get $p) (v128.load16_splat (local.get $p))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $a01) (local.get $a0))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $a01) (local.get $a0))) (local.get $x0))))))
          (local.set $acc2
            (f32x4.add (local.get $acc2)
              (f32x4.mul
                (f32x4.mul
                  (f32x4.mul
                  (v128.and
                    (i32x4.shl
                      (i32x4.extend_low_i16x8_s
                        (v128.load16_lane offset=54 3 (local.get $p2)
                          (v128.load16_lane offset=36 2 (local.get $p2)
                            (v128.load16_lane offset=18 1 (local.get $p2) (v128.load16_splat (local.get $p2))))))
                      (i32.const 13))
                    (v128.and (local.get $mask) (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff)))
                  (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
                  (local.get $dx))
                (f32x4.convert_i32x4_s (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $b01) (local.get $b0))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $b01) (local.get $b0))) (local.get $x0))))))
    ;;#end
))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $acc2)) (f32x4.extract_lane 1 (local.get $acc2)))
      (f32.add (f32x4.extract_lane 2 (local.get $acc2)) (f32x4.extract_lane 3 (local.get $acc2)))))

  ;; One q4_0 row of $nb blocks at $p unpacked for a prefill into $u: per block 64 bytes, the
  ;; unsigned nibbles as $row_q4f's build reads them (relaxed: 16 bytes of values 0..15, 16 of
  ;; 16..31; simd128: 4 i16x8 in order_q4's order), then the f32 weight scales from $u + 64 · $nb4
  ;; ($nb4: $nb rounded up to a quad; $row2_q4u reads the 4 scales of a partial quad, masked).
  (func $unpack_q4 (param $p i32) (param $nb i32) (param $u i32)
    (local $v v128) (local $m v128) (local $us i32) (local $end i32)
;;#if relaxed
    (local.set $m (v128.const i8x16 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15 15))
;;#else
    (local.set $m (v128.const i16x8 15 15 15 15 15 15 15 15))
;;#end
    (local.set $us (i32.add (local.get $u) (i32.shl (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4)) (i32.const 6))))
    (local.set $end (i32.add (local.get $p) (i32.mul (local.get $nb) (i32.const 18))))
    (loop $blocks
      (local.set $v (v128.load offset=2 (local.get $p)))
;;#if relaxed
      (v128.store offset=0 (local.get $u) (v128.and (local.get $v) (local.get $m)))
      (v128.store offset=16 (local.get $u) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))
;;#else
      (v128.store offset=0 (local.get $u) (v128.and (local.get $v) (local.get $m)))
      (v128.store offset=16 (local.get $u) (v128.and (i16x8.shr_u (local.get $v) (i32.const 8)) (local.get $m)))
      (v128.store offset=32 (local.get $u) (v128.and (i16x8.shr_u (local.get $v) (i32.const 4)) (local.get $m)))
      (v128.store offset=48 (local.get $u) (i16x8.shr_u (local.get $v) (i32.const 12)))
;;#end
      (f32.store (local.get $us)
        (f32.mul (f32.reinterpret_i32 (i32.and (i32.shl (i32.load16_s (local.get $p)) (i32.const 13)) (i32.const 0x8fffffff))) (f32.const 0x1p112)))
      (local.set $p (i32.add (local.get $p) (i32.const 18)))
      (local.set $u (i32.add (local.get $u) (i32.const 64)))
      (local.set $us (i32.add (local.get $us) (i32.const 4)))
      (br_if $blocks (i32.lt_u (local.get $p) (local.get $end)))))

  ;; Two tokens' dot products with a row unpacked by $unpack_q4 at $u (prefill): $row_q4f's integers
  ;; and float operations for each, so a prefill gives the bits of one-token steps. The second
  ;; token's quads are at $q + $qrow.
  (func $row2_q4u (param $u i32) (param $nb i32) (param $q i32) (param $qrow i32) (param $f i32) (result f32 f32)
    (local $a0 v128) (local $a1 v128) (local $w0 v128) (local $w1 v128) (local $w2 v128) (local $w3 v128)
    (local $one v128) (local $mask v128)
    (local $s0 v128) (local $s1 v128) (local $s2 v128) (local $s3 v128)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local $us i32) (local $left i32) (local $q1 i32)
    (local.set $one (v128.const i16x8 1 1 1 1 1 1 1 1))
    (local.set $q1 (i32.add (local.get $q) (local.get $qrow)))
    (local.set $us (i32.add (local.get $u) (i32.shl (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4)) (i32.const 6))))
    (local.set $left (local.get $nb))
    (block $fullDone
      (loop $quads
        (br_if $fullDone (i32.lt_s (local.get $left) (i32.const 4)))
    ;;#if relaxed
          (local.set $w0 (v128.load offset=0 (local.get $u)))
          (local.set $w1 (v128.load offset=16 (local.get $u)))
          (local.set $s0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q)) (local.get $w1))))
          (local.set $t0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q1)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q1)) (local.get $w1))))
          (v128.store (local.get $f) (local.get $s0))
          (v128.store offset=16 (local.get $f) (local.get $t0))
          (local.set $w0 (v128.load offset=64 (local.get $u)))
          (local.set $w1 (v128.load offset=80 (local.get $u)))
          (local.set $s1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q)) (local.get $w1))))
          (local.set $t1 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q1)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q1)) (local.get $w1))))
          (v128.store (local.get $f) (local.get $s1))
          (v128.store offset=16 (local.get $f) (local.get $t1))
          (local.set $s0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $t0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t1))))
          (local.set $w0 (v128.load offset=128 (local.get $u)))
          (local.set $w1 (v128.load offset=144 (local.get $u)))
          (local.set $s2 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q)) (local.get $w1))))
          (local.set $t2 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q1)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q1)) (local.get $w1))))
          (v128.store (local.get $f) (local.get $s2))
          (v128.store offset=16 (local.get $f) (local.get $t2))
          (local.set $w0 (v128.load offset=192 (local.get $u)))
          (local.set $w1 (v128.load offset=208 (local.get $u)))
          (local.set $s3 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=192 (local.get $q)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=208 (local.get $q)) (local.get $w1))))
          (local.set $t3 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=192 (local.get $q1)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=208 (local.get $q1)) (local.get $w1))))
          (local.set $s2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $t2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t2) (local.get $t3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t2) (local.get $t3))))
          (local.set $w0 (v128.load (local.get $us)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2))))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q1)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t2))))
                    (v128.load offset=272 (local.get $q1)))))))
          (local.set $u (i32.add (local.get $u) (i32.const 256)))
          (local.set $us (i32.add (local.get $us) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#else
          (local.set $w0 (v128.load offset=0 (local.get $u)))
          (local.set $w1 (v128.load offset=16 (local.get $u)))
          (local.set $w2 (v128.load offset=32 (local.get $u)))
          (local.set $w3 (v128.load offset=48 (local.get $u)))
          (local.set $s0 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=0 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=16 (local.get $q))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=32 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=48 (local.get $q))))))
          (local.set $t0 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=0 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=16 (local.get $q1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=32 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=48 (local.get $q1))))))
          (v128.store (local.get $f) (local.get $s0))
          (v128.store offset=16 (local.get $f) (local.get $t0))
          (local.set $w0 (v128.load offset=64 (local.get $u)))
          (local.set $w1 (v128.load offset=80 (local.get $u)))
          (local.set $w2 (v128.load offset=96 (local.get $u)))
          (local.set $w3 (v128.load offset=112 (local.get $u)))
          (local.set $s1 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=64 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=80 (local.get $q))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=96 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=112 (local.get $q))))))
          (local.set $t1 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=64 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=80 (local.get $q1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=96 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=112 (local.get $q1))))))
          (v128.store (local.get $f) (local.get $s1))
          (v128.store offset=16 (local.get $f) (local.get $t1))
          (local.set $s0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $t0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t1))))
          (local.set $w0 (v128.load offset=128 (local.get $u)))
          (local.set $w1 (v128.load offset=144 (local.get $u)))
          (local.set $w2 (v128.load offset=160 (local.get $u)))
          (local.set $w3 (v128.load offset=176 (local.get $u)))
          (local.set $s2 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=128 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=144 (local.get $q))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=160 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=176 (local.get $q))))))
          (local.set $t2 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=128 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=144 (local.get $q1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=160 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=176 (local.get $q1))))))
          (v128.store (local.get $f) (local.get $s2))
          (v128.store offset=16 (local.get $f) (local.get $t2))
          (local.set $w0 (v128.load offset=192 (local.get $u)))
          (local.set $w1 (v128.load offset=208 (local.get $u)))
          (local.set $w2 (v128.load offset=224 (local.get $u)))
          (local.set $w3 (v128.load offset=240 (local.get $u)))
          (local.set $s3 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=192 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=208 (local.get $q))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=224 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=240 (local.get $q))))))
          (local.set $t3 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=192 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=208 (local.get $q1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=224 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=240 (local.get $q1))))))
          (local.set $s2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $t2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t2) (local.get $t3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t2) (local.get $t3))))
          (local.set $w0 (v128.load (local.get $us)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2)))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q1)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.load offset=272 (local.get $q1)))))))
          (local.set $u (i32.add (local.get $u) (i32.const 256)))
          (local.set $us (i32.add (local.get $us) (i32.const 16)))
          (local.set $q (i32.add (local.get $q) (i32.const 288)))
          (local.set $q1 (i32.add (local.get $q1) (i32.const 288)))
          (local.set $left (i32.sub (local.get $left) (i32.const 4)))
    ;;#end
        (br $quads)))
    ;; the last 1-3 blocks: the same steps, missing blocks' sums 0 and scales +0
    (if (i32.gt_s (local.get $left) (i32.const 0))
      (then
    ;;#if relaxed
          (local.set $w0 (v128.load offset=0 (local.get $u)))
          (local.set $w1 (v128.load offset=16 (local.get $u)))
          (local.set $s0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q)) (local.get $w1))))
          (local.set $t0 (i16x8.add
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=0 (local.get $q1)) (local.get $w0))
            (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=16 (local.get $q1)) (local.get $w1))))
          (v128.store (local.get $f) (local.get $s0))
          (v128.store offset=16 (local.get $f) (local.get $t0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $w0 (v128.load offset=64 (local.get $u)))
            (local.set $w1 (v128.load offset=80 (local.get $u)))
            (local.set $s1 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q)) (local.get $w0))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q)) (local.get $w1))))
            (local.set $t1 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=64 (local.get $q1)) (local.get $w0))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=80 (local.get $q1)) (local.get $w1))))
            (v128.store (local.get $f) (local.get $s1))
            (v128.store offset=16 (local.get $f) (local.get $t1))
            )
            (else (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $t1 (v128.const i32x4 0 0 0 0))))
          (local.set $s0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $t0 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t1))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $w0 (v128.load offset=128 (local.get $u)))
            (local.set $w1 (v128.load offset=144 (local.get $u)))
            (local.set $s2 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q)) (local.get $w0))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q)) (local.get $w1))))
            (local.set $t2 (i16x8.add
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=128 (local.get $q1)) (local.get $w0))
              (i16x8.relaxed_dot_i8x16_i7x16_s (v128.load offset=144 (local.get $q1)) (local.get $w1))))
            (v128.store (local.get $f) (local.get $s2))
            (v128.store offset=16 (local.get $f) (local.get $t2))
            )
            (else (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $t2 (v128.const i32x4 0 0 0 0))))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $t3 (v128.const i32x4 0 0 0 0))
          (local.set $s2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $t2 (i16x8.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t2) (local.get $t3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t2) (local.get $t3))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          (local.set $w0 (v128.and (v128.load (local.get $us)) (local.get $mask)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2))))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q1)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.dot_i16x8_s (local.get $one) (i16x8.add
                        (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t2))
                        (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t2))))
                    (v128.load offset=272 (local.get $q1)))))))
    ;;#else
          (local.set $w0 (v128.load offset=0 (local.get $u)))
          (local.set $w1 (v128.load offset=16 (local.get $u)))
          (local.set $w2 (v128.load offset=32 (local.get $u)))
          (local.set $w3 (v128.load offset=48 (local.get $u)))
          (local.set $s0 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=0 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=16 (local.get $q))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=32 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=48 (local.get $q))))))
          (local.set $t0 (i32x4.add
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=0 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=16 (local.get $q1))))
            (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=32 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=48 (local.get $q1))))))
          (v128.store (local.get $f) (local.get $s0))
          (v128.store offset=16 (local.get $f) (local.get $t0))
          (if (i32.gt_s (local.get $left) (i32.const 1))
            (then
            (local.set $w0 (v128.load offset=64 (local.get $u)))
            (local.set $w1 (v128.load offset=80 (local.get $u)))
            (local.set $w2 (v128.load offset=96 (local.get $u)))
            (local.set $w3 (v128.load offset=112 (local.get $u)))
            (local.set $s1 (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=64 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=80 (local.get $q))))
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=96 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=112 (local.get $q))))))
            (local.set $t1 (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=64 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=80 (local.get $q1))))
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=96 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=112 (local.get $q1))))))
            (v128.store (local.get $f) (local.get $s1))
            (v128.store offset=16 (local.get $f) (local.get $t1))
            )
            (else (local.set $s1 (v128.const i32x4 0 0 0 0)) (local.set $t1 (v128.const i32x4 0 0 0 0))))
          (local.set $s0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s1))))
          (local.set $t0 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t1))))
          (if (i32.gt_s (local.get $left) (i32.const 2))
            (then
            (local.set $w0 (v128.load offset=128 (local.get $u)))
            (local.set $w1 (v128.load offset=144 (local.get $u)))
            (local.set $w2 (v128.load offset=160 (local.get $u)))
            (local.set $w3 (v128.load offset=176 (local.get $u)))
            (local.set $s2 (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=128 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=144 (local.get $q))))
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=160 (local.get $q))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=176 (local.get $q))))))
            (local.set $t2 (i32x4.add
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w0) (v128.load offset=128 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w1) (v128.load offset=144 (local.get $q1))))
              (i32x4.add (i32x4.dot_i16x8_s (local.get $w2) (v128.load offset=160 (local.get $q1))) (i32x4.dot_i16x8_s (local.get $w3) (v128.load offset=176 (local.get $q1))))))
            (v128.store (local.get $f) (local.get $s2))
            (v128.store offset=16 (local.get $f) (local.get $t2))
            )
            (else (local.set $s2 (v128.const i32x4 0 0 0 0)) (local.set $t2 (v128.const i32x4 0 0 0 0))))
          (local.set $s3 (v128.const i32x4 0 0 0 0))
          (local.set $t3 (v128.const i32x4 0 0 0 0))
          (local.set $s2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s2) (local.get $s3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s2) (local.get $s3))))
          (local.set $t2 (i32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t2) (local.get $t3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t2) (local.get $t3))))
          (local.set $mask (i32x4.gt_s (i32x4.splat (local.get $left)) (v128.const i32x4 0 1 2 3)))
          (local.set $w0 (v128.and (v128.load (local.get $us)) (local.get $mask)))
          (local.set $a0
            (f32x4.add (local.get $a0)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $s0) (local.get $s2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $s0) (local.get $s2)))
                    (v128.load offset=272 (local.get $q)))))))
          (local.set $a1
            (f32x4.add (local.get $a1)
              (f32x4.mul (f32x4.mul (local.get $w0) (v128.load offset=256 (local.get $q1)))
                (f32x4.convert_i32x4_s
                  (i32x4.sub (i32x4.add
                      (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $t0) (local.get $t2))
                      (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $t0) (local.get $t2)))
                    (v128.load offset=272 (local.get $q1)))))))
    ;;#end
))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0)))
      (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0))))
    (f32.add
      (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1)))
      (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))

  ;; out (n, d) = x (n, k) @ W^T for rows r0..r1 of q8_0 (t = 3) or q4_0 (t = 4) W, with x from
  ;; quantize_x (same $two). Per block: weights widened to 4 i16x8 once, 4 (or 8) integer dots per
  ;; token, then acc += f32(Σ) · (d_w · d_x). A prefill goes through the rows in L2-sized tiles,
  ;; 4 tokens per pass over a row ($row4_q, sharing the widened weights), then pairs ($row2_q),
  ;; then one ($row_q); each token's float operations are the same, in the same order, in all
  ;; three, so results do not depend on n or the tiling. The loop variants (q8/q4, one/two
  ;; activation levels) are written out so the block loop has no branches. Block scales are f16
  ;; read as in $dot_half (finite). $scratch is this thread's: the one-token loops store their sums
  ;; to its first 16 (q4_0: 32) bytes (see $row_q); a q4_0 prefill unpacks a row there and
  ;; $row2_q4u stores to the 32 bytes after it. q4_0 on 8-bit activations ($two = 0) has its own
  ;; branch first: $xq is then order_q4's quad records and $xs is not read.
  (func (export "matmul_q") (param $t i32) (param $w i32) (param $xq i32) (param $xs i32) (param $out i32)
    (param $n i32) (param $d i32) (param $k i32) (param $r0 i32) (param $r1 i32) (param $two i32) (param $scratch i32)
    (local $j i32) (local $tok i32) (local $rb i32) (local $nb i32) (local $p i32) (local $q i32)
    (local $s i32) (local $q2 i32) (local $s2 i32) (local $end i32) (local $acc v128) (local $acc2 v128)
    (local $four i32) (local $qrow i32) (local $srow i32) (local $o i32) (local $db i32)
    (local $jt i32) (local $je i32) (local $tile i32) (local $t0 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $c i32) (local $sum1 f32) (local $sum2 f32)
    (local.set $four (i32.eq (local.get $t) (i32.const 4)))
    (local.set $nb (i32.shr_u (local.get $k) (i32.const 5)))
    (local.set $rb (i32.mul (local.get $nb) (select (i32.const 18) (i32.const 34) (local.get $four))))
    (local.set $db (i32.shl (local.get $d) (i32.const 2)))
    ;; bytes of one token's activation blocks and scales
    (local.set $qrow (i32.mul (local.get $nb) (select (i32.const 128) (i32.const 64) (local.get $two))))
    (local.set $srow (i32.mul (local.get $nb) (select (i32.const 8) (i32.const 4) (local.get $two))))
    (local.set $tile (i32.div_u (i32.const 131072) (local.get $rb)))
    (if (i32.eqz (local.get $tile)) (then (local.set $tile (i32.const 1))))
    (if (i32.and (local.get $four) (i32.eqz (local.get $two)))
      (then
        ;; q4_0 on 8-bit activations, $xq from order_q4 ($xs unused): every token meets every row
        ;; of a tile
        (local.set $qrow (i32.mul (i32.shr_u (i32.add (local.get $nb) (i32.const 3)) (i32.const 2)) (i32.const 288)))
        (local.set $jt (local.get $r0))
        (block $fastDone
          (loop $fastTiles
            (br_if $fastDone (i32.ge_u (local.get $jt) (local.get $r1)))
            (local.set $je (i32.add (local.get $jt) (local.get $tile)))
            (if (i32.gt_u (local.get $je) (local.get $r1)) (then (local.set $je (local.get $r1))))
            ;; with 2+ tokens, each row is unpacked once into this thread's scratch and meets the
            ;; tokens two at a time; an odd last token takes the one-token path
            (local.set $tok (i32.and (local.get $n) (i32.const -2)))
            (if (local.get $tok)
              (then
                (local.set $p (i32.add (local.get $w) (i32.mul (local.get $jt) (local.get $rb))))
                (local.set $end (i32.add (local.get $w) (i32.mul (local.get $je) (local.get $rb))))
                (local.set $o (i32.add (local.get $out) (i32.shl (local.get $jt) (i32.const 2))))
                (loop $unpackedRows
                  (call $unpack_q4 (local.get $p) (local.get $nb) (local.get $scratch))
                  (local.set $t0 (i32.const 0))
                  (loop $pairs
                    (call $row2_q4u (local.get $scratch) (local.get $nb)
                      (i32.add (local.get $xq) (i32.mul (local.get $t0) (local.get $qrow)))
                      (local.get $qrow)
                      ;; after the unpacked row: 68 bytes per block of $nb rounded up to a quad
                      (i32.add (local.get $scratch)
                        (i32.mul (i32.and (i32.add (local.get $nb) (i32.const 3)) (i32.const -4)) (i32.const 68))))
                    (local.set $sum2) (local.set $sum1)
                    (local.set $c (i32.add (local.get $o) (i32.mul (local.get $t0) (local.get $db))))
                    (f32.store (local.get $c) (local.get $sum1))
                    (f32.store (i32.add (local.get $c) (local.get $db)) (local.get $sum2))
                    (local.set $t0 (i32.add (local.get $t0) (i32.const 2)))
                    (br_if $pairs (i32.lt_u (local.get $t0) (local.get $tok))))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $p (i32.add (local.get $p) (local.get $rb)))
                  (br_if $unpackedRows (i32.lt_u (local.get $p) (local.get $end))))))
            (block $fastToksDone
              (loop $fastToks
                (br_if $fastToksDone (i32.ge_u (local.get $tok) (local.get $n)))
                (local.set $q (i32.add (local.get $xq) (i32.mul (local.get $tok) (local.get $qrow))))
                (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $jt)) (i32.const 2))))
                (local.set $p (i32.add (local.get $w) (i32.mul (local.get $jt) (local.get $rb))))
                (local.set $end (i32.add (local.get $w) (i32.mul (local.get $je) (local.get $rb))))
                ;; short rows two at a time (activation loads shared)
                (block $pairsDone
                  (br_if $pairsDone (i32.gt_u (local.get $nb) (i32.const 16)))
                  (loop $fastPairs
                    (br_if $pairsDone (i32.gt_u (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 1))) (local.get $end)))
                    (call $row2r_q4f (local.get $p) (i32.add (local.get $p) (local.get $rb)) (local.get $nb) (local.get $q) (local.get $scratch))
                    (local.set $sum2) (local.set $sum1)
                    (f32.store (local.get $o) (local.get $sum1))
                    (f32.store offset=4 (local.get $o) (local.get $sum2))
                    (local.set $o (i32.add (local.get $o) (i32.const 8)))
                    (local.set $p (i32.add (local.get $p) (i32.shl (local.get $rb) (i32.const 1))))
                    (br $fastPairs)))
                (if (i32.lt_u (local.get $p) (local.get $end)) (then
                (loop $fastRows
                  (f32.store (local.get $o)
                    (call $row_q4f (local.get $p) (local.get $nb) (local.get $q) (local.get $scratch)))
                  (local.set $o (i32.add (local.get $o) (i32.const 4)))
                  (local.set $p (i32.add (local.get $p) (local.get $rb)))
                  (br_if $fastRows (i32.lt_u (local.get $p) (local.get $end))))))
                (local.set $tok (i32.add (local.get $tok) (i32.const 1)))
                (br $fastToks)))
            (local.set $jt (local.get $je))
            (br $fastTiles)))
        (return)))
    (local.set $jt (local.get $r0))
    (block $tilesDone
      (loop $tiles
        (br_if $tilesDone (i32.ge_u (local.get $jt) (local.get $r1)))
        (local.set $je (i32.add (local.get $jt) (local.get $tile)))
        (if (i32.gt_u (local.get $je) (local.get $r1)) (then (local.set $je (local.get $r1))))
        ;; groups of 4 tokens, each meeting every row of the tile
        (local.set $t0 (i32.const 0))
        (block $foursDone
          (loop $fours
            (br_if $foursDone (i32.gt_u (i32.add (local.get $t0) (i32.const 4)) (local.get $n)))
            (local.set $q (i32.add (local.get $xq) (i32.mul (local.get $t0) (local.get $qrow))))
            (local.set $s (i32.add (local.get $xs) (i32.mul (local.get $t0) (local.get $srow))))
            (local.set $j (local.get $jt))
            (loop $rows4
              (local.set $p (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
              (call $row4_q (local.get $four) (local.get $two) (local.get $p) (i32.add (local.get $p) (local.get $rb))
                (local.get $q) (local.get $s) (local.get $qrow) (local.get $srow))
              (local.set $a3) (local.set $a2) (local.set $a1) (local.set $a0)
              (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $t0) (local.get $d)) (local.get $j)) (i32.const 2))))
              (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a0)) (f32x4.extract_lane 1 (local.get $a0))) (f32.add (f32x4.extract_lane 2 (local.get $a0)) (f32x4.extract_lane 3 (local.get $a0)))))
              (local.set $o (i32.add (local.get $o) (local.get $db)))
              (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a1)) (f32x4.extract_lane 1 (local.get $a1))) (f32.add (f32x4.extract_lane 2 (local.get $a1)) (f32x4.extract_lane 3 (local.get $a1)))))
              (local.set $o (i32.add (local.get $o) (local.get $db)))
              (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a2)) (f32x4.extract_lane 1 (local.get $a2))) (f32.add (f32x4.extract_lane 2 (local.get $a2)) (f32x4.extract_lane 3 (local.get $a2)))))
              (local.set $o (i32.add (local.get $o) (local.get $db)))
              (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a3)) (f32x4.extract_lane 1 (local.get $a3))) (f32.add (f32x4.extract_lane 2 (local.get $a3)) (f32x4.extract_lane 3 (local.get $a3)))))
              (local.set $j (i32.add (local.get $j) (i32.const 1)))
              (br_if $rows4 (i32.lt_u (local.get $j) (local.get $je))))
            (local.set $t0 (i32.add (local.get $t0) (i32.const 4)))
            (br $fours)))
        ;; the remaining tokens: pairs, then one
        (local.set $j (local.get $jt))
        (block $done
          (loop $rows
            (br_if $done (i32.ge_u (local.get $j) (local.get $je)))
            (local.set $tok (local.get $t0))
            (block $toksDone
              (loop $toks
                (br_if $toksDone (i32.ge_u (local.get $tok) (local.get $n)))
                (local.set $p (i32.add (local.get $w) (i32.mul (local.get $j) (local.get $rb))))
                (local.set $end (i32.add (local.get $p) (local.get $rb)))
                (local.set $q (i32.add (local.get $xq) (i32.mul (local.get $tok) (local.get $qrow))))
                (local.set $s (i32.add (local.get $xs) (i32.mul (local.get $tok) (local.get $srow))))
                (local.set $o (i32.add (local.get $out) (i32.shl (i32.add (i32.mul (local.get $tok) (local.get $d)) (local.get $j)) (i32.const 2))))
                (if (i32.lt_u (i32.add (local.get $tok) (i32.const 1)) (local.get $n))
                  (then
                    ;; two tokens
                    (local.set $q2 (i32.add (local.get $q) (local.get $qrow)))
                    (local.set $s2 (i32.add (local.get $s) (local.get $srow)))
                    (call $row2_q (local.get $four) (local.get $two) (local.get $p) (local.get $end)
                      (local.get $q) (local.get $s) (local.get $q2) (local.get $s2))
                    (local.set $acc2)
                    (local.set $acc)
                    (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
                    (f32.store (i32.add (local.get $o) (local.get $db)) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc2)) (f32x4.extract_lane 1 (local.get $acc2))) (f32.add (f32x4.extract_lane 2 (local.get $acc2)) (f32x4.extract_lane 3 (local.get $acc2)))))
                    (local.set $tok (i32.add (local.get $tok) (i32.const 2))))
                  (else
                    (local.set $acc (call $row_q (local.get $four) (local.get $two) (local.get $p) (local.get $end) (local.get $q) (local.get $s) (local.get $scratch)))
                    (f32.store (local.get $o) (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
                    (local.set $tok (i32.add (local.get $tok) (i32.const 1)))))
                (br $toks)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $rows)))
        (local.set $jt (local.get $je))
        (br $tiles))))

  ;; ---------------------------------------------------------------- per-row operations

  ;; out (n, dim) = x / sqrt(mean(x²) + eps) * w, per row.
  (func (export "rmsnorm") (param $out i32) (param $x i32) (param $w i32) (param $eps f32) (param $n i32) (param $dim i32)
    (local $t i32) (local $i i32) (local $xr i32) (local $or i32) (local $acc v128) (local $ss f32) (local $scale f32)
    (local $dim4 i32) (local $sv v128)
    (local.set $dim4 (i32.and (local.get $dim) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $dim)) (i32.const 2))))
        (local.set $or (i32.add (local.get $out) (i32.shl (i32.mul (local.get $t) (local.get $dim)) (i32.const 2))))
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $vd (loop $v
          (br_if $vd (i32.ge_u (local.get $i) (local.get $dim4)))
          (local.set $sv (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $sv) (local.get $sv))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $v)))
        (local.set $ss (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (block $sd (loop $s
          (br_if $sd (i32.ge_u (local.get $i) (local.get $dim)))
          (local.set $scale (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $ss (f32.add (local.get $ss) (f32.mul (local.get $scale) (local.get $scale))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $s)))
        (local.set $scale
          (f32.demote_f64 (f64.div (f64.const 1)
            (f64.sqrt (f64.add (f64.div (f64.promote_f32 (local.get $ss)) (f64.convert_i32_u (local.get $dim))) (f64.promote_f32 (local.get $eps)))))))
        (local.set $sv (f32x4.splat (local.get $scale)))
        (local.set $i (i32.const 0))
        (block $vd2 (loop $v2
          (br_if $vd2 (i32.ge_u (local.get $i) (local.get $dim4)))
          (v128.store (i32.add (local.get $or) (i32.shl (local.get $i) (i32.const 2)))
            (f32x4.mul (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))))
              (f32x4.mul (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $sv))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $v2)))
        (block $sd2 (loop $s2
          (br_if $sd2 (i32.ge_u (local.get $i) (local.get $dim)))
          (f32.store (i32.add (local.get $or) (i32.shl (local.get $i) (i32.const 2)))
            (f32.mul (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2))))
              (f32.mul (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $scale))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $s2)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $rows))))

  ;; x[0..len) = softmax(x[0..len)), max-subtracted, sums in f64.
  (func $softmax (export "softmax") (param $x i32) (param $len i32)
    (local $i i32) (local $max f32) (local $sum f64) (local $e f64) (local $p i32)
    (local.set $max (f32.const -inf))
    (block $d1 (loop $l1
      (br_if $d1 (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $max (f32.max (local.get $max) (f32.load (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l1)))
    (local.set $i (i32.const 0))
    (block $d2 (loop $l2
      (br_if $d2 (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
      (local.set $e (call $exp (f64.promote_f32 (f32.sub (f32.load (local.get $p)) (local.get $max)))))
      (f32.store (local.get $p) (f32.demote_f64 (local.get $e)))
      (local.set $sum (f64.add (local.get $sum) (local.get $e)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l2)))
    (local.set $i (i32.const 0))
    (block $d3 (loop $l3
      (br_if $d3 (i32.ge_u (local.get $i) (local.get $len)))
      (local.set $p (i32.add (local.get $x) (i32.shl (local.get $i) (i32.const 2))))
      (f32.store (local.get $p) (f32.demote_f64 (f64.div (f64.promote_f32 (f32.load (local.get $p))) (local.get $sum))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br $l3))))

  ;; gate[i] = silu(gate[i]) * up[i] = gate[i] / (1 + e^-gate[i]) * up[i], 4 lanes at a time in f32
  ;; ($exp4), the tail through lane 0 of the same instructions.
  (func (export "swiglu") (param $gate i32) (param $up i32) (param $len i32)
    (local $end i32) (local $g v128)
    (local.set $end (i32.add (local.get $gate) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $gate) (local.get $end)))
      (local.set $g (v128.load (local.get $gate)))
      (v128.store (local.get $gate)
        (f32x4.mul
          (f32x4.div (local.get $g) (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $g)))))
          (v128.load (local.get $up))))
      (local.set $gate (i32.add (local.get $gate) (i32.const 16)))
      (local.set $up (i32.add (local.get $up) (i32.const 16)))
      (br $l)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $gate) (local.get $end)))
      (local.set $g (f32x4.splat (f32.load (local.get $gate))))
      (f32.store (local.get $gate)
        (f32x4.extract_lane 0
          (f32x4.mul
            (f32x4.div (local.get $g) (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $g)))))
            (f32x4.splat (f32.load (local.get $up))))))
      (local.set $gate (i32.add (local.get $gate) (i32.const 4)))
      (local.set $up (i32.add (local.get $up) (i32.const 4)))
      (br $t))))

  ;; out (n, dim) = (x - mean) / sqrt(var + eps) · w + b per row (GPT-2's LayerNorm, biased
  ;; variance): mean and variance summed in 4 f32 lanes, the scale in f64.
  (func (export "layernorm") (param $out i32) (param $x i32) (param $w i32) (param $b i32) (param $eps f32)
    (param $n i32) (param $dim i32)
    (local $t i32) (local $i i32) (local $xr i32) (local $or i32) (local $acc v128) (local $v v128)
    (local $mean f32) (local $var f32) (local $scale f32) (local $dim4 i32) (local $mv v128) (local $sv v128)
    (local.set $dim4 (i32.and (local.get $dim) (i32.const -4)))
    (block $done
      (loop $rows
        (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
        (local.set $xr (i32.add (local.get $x) (i32.shl (i32.mul (local.get $t) (local.get $dim)) (i32.const 2))))
        (local.set $or (i32.add (local.get $out) (i32.shl (i32.mul (local.get $t) (local.get $dim)) (i32.const 2))))
        ;; mean
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $md (loop $m
          (br_if $md (i32.ge_u (local.get $i) (local.get $dim4)))
          (local.set $acc (f32x4.add (local.get $acc) (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $m)))
        (local.set $mean (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (block $mtd (loop $mt
          (br_if $mtd (i32.ge_u (local.get $i) (local.get $dim)))
          (local.set $mean (f32.add (local.get $mean) (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $mt)))
        (local.set $mean (f32.div (local.get $mean) (f32.convert_i32_u (local.get $dim))))
        (local.set $mv (f32x4.splat (local.get $mean)))
        ;; variance
        (local.set $acc (v128.const i32x4 0 0 0 0))
        (local.set $i (i32.const 0))
        (block $vd (loop $vl
          (br_if $vd (i32.ge_u (local.get $i) (local.get $dim4)))
          (local.set $v (f32x4.sub (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mv)))
          (local.set $acc (f32x4.add (local.get $acc) (f32x4.mul (local.get $v) (local.get $v))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $vl)))
        (local.set $var (f32.add (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc))) (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))
        (block $vtd (loop $vt
          (br_if $vtd (i32.ge_u (local.get $i) (local.get $dim)))
          (local.set $scale (f32.sub (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mean)))
          (local.set $var (f32.add (local.get $var) (f32.mul (local.get $scale) (local.get $scale))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $vt)))
        (local.set $scale
          (f32.demote_f64 (f64.div (f64.const 1)
            (f64.sqrt (f64.add (f64.div (f64.promote_f32 (local.get $var)) (f64.convert_i32_u (local.get $dim))) (f64.promote_f32 (local.get $eps)))))))
        (local.set $sv (f32x4.splat (local.get $scale)))
        ;; (x - mean) · scale · w + b
        (local.set $i (i32.const 0))
        (block $od (loop $o
          (br_if $od (i32.ge_u (local.get $i) (local.get $dim4)))
          (v128.store (i32.add (local.get $or) (i32.shl (local.get $i) (i32.const 2)))
            (f32x4.add
              (f32x4.mul
                (f32x4.mul (f32x4.sub (v128.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mv)) (local.get $sv))
                (v128.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))
              (v128.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $o)))
        (block $otd (loop $ot
          (br_if $otd (i32.ge_u (local.get $i) (local.get $dim)))
          (f32.store (i32.add (local.get $or) (i32.shl (local.get $i) (i32.const 2)))
            (f32.add
              (f32.mul
                (f32.mul (f32.sub (f32.load (i32.add (local.get $xr) (i32.shl (local.get $i) (i32.const 2)))) (local.get $mean)) (local.get $scale))
                (f32.load (i32.add (local.get $w) (i32.shl (local.get $i) (i32.const 2)))))
              (f32.load (i32.add (local.get $b) (i32.shl (local.get $i) (i32.const 2))))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $ot)))
        (local.set $t (i32.add (local.get $t) (i32.const 1)))
        (br $rows))))

  ;; gelu_new (GPT-2's tanh approximation) of 4 lanes: 0.5 v (1 + tanh(y)) with
  ;; y = √(2/π) (v + 0.044715 v³), computed as v / (1 + e^(-2y)), the same value with no
  ;; cancellation where tanh(y) is near -1.
  (func $gelu4 (param $v v128) (result v128)
    (f32x4.div (local.get $v)
      (f32x4.add (v128.const f32x4 1 1 1 1)
        (call $exp4
          (f32x4.mul (v128.const f32x4 -1.5957691216057308 -1.5957691216057308 -1.5957691216057308 -1.5957691216057308)
            (f32x4.add (local.get $v)
              (f32x4.mul (v128.const f32x4 0.044715 0.044715 0.044715 0.044715)
                (f32x4.mul (local.get $v) (f32x4.mul (local.get $v) (local.get $v))))))))))

  ;; x[0..len) = gelu_new(x) in place, 4 lanes at a time, the tail through lane 0.
  (func (export "gelu_new") (param $x i32) (param $len i32)
    (local $end i32)
    (local.set $end (i32.add (local.get $x) (i32.shl (i32.and (local.get $len) (i32.const -4)) (i32.const 2))))
    (block $done (loop $l
      (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
      (v128.store (local.get $x) (call $gelu4 (v128.load (local.get $x))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br $l)))
    (local.set $end (i32.add (local.get $end) (i32.shl (i32.and (local.get $len) (i32.const 3)) (i32.const 2))))
    (block $tdone (loop $t
      (br_if $tdone (i32.ge_u (local.get $x) (local.get $end)))
      (f32.store (local.get $x) (f32x4.extract_lane 0 (call $gelu4 (f32x4.splat (f32.load (local.get $x))))))
      (local.set $x (i32.add (local.get $x) (i32.const 4)))
      (br $t))))

  ;; Rotary embedding in place, rotate_half layout: in each head, dimension i pairs with i + hd/2.
  ;; x (n, nHeads·hd); cos, sin (n, hd/2). x0' = x0 c - x1 s, x1' = x1 c + x0 s, 4 pairs at a time.
  (func (export "rope") (param $x i32) (param $cos i32) (param $sin i32) (param $n i32) (param $nHeads i32) (param $hd i32)
    (local $t i32) (local $h i32) (local $i i32) (local $half i32) (local $half4 i32) (local $hb i32)
    (local $o i32) (local $cp i32) (local $sp i32) (local $x0 v128) (local $x1 v128) (local $c v128) (local $s v128)
    (local $a f32) (local $b f32) (local $cf f32) (local $sf f32)
    (local.set $half (i32.shr_u (local.get $hd) (i32.const 1)))
    (local.set $half4 (i32.and (local.get $half) (i32.const -4)))
    (local.set $hb (i32.shl (local.get $half) (i32.const 2)))
    (block $done (loop $toks
      (br_if $done (i32.ge_u (local.get $t) (local.get $n)))
      (local.set $h (i32.const 0))
      (block $hd_ (loop $heads
        (br_if $hd_ (i32.ge_u (local.get $h) (local.get $nHeads)))
        (local.set $o (i32.add (local.get $x)
          (i32.shl (i32.mul (i32.add (i32.mul (local.get $t) (local.get $nHeads)) (local.get $h)) (local.get $hd)) (i32.const 2))))
        (local.set $cp (i32.add (local.get $cos) (i32.mul (local.get $t) (local.get $hb))))
        (local.set $sp (i32.add (local.get $sin) (i32.mul (local.get $t) (local.get $hb))))
        (local.set $i (i32.const 0))
        (block $vd (loop $v
          (br_if $vd (i32.ge_u (local.get $i) (local.get $half4)))
          (local.set $x0 (v128.load (local.get $o)))
          (local.set $x1 (v128.load (i32.add (local.get $o) (local.get $hb))))
          (local.set $c (v128.load (local.get $cp)))
          (local.set $s (v128.load (local.get $sp)))
          (v128.store (local.get $o) (f32x4.sub (f32x4.mul (local.get $x0) (local.get $c)) (f32x4.mul (local.get $x1) (local.get $s))))
          (v128.store (i32.add (local.get $o) (local.get $hb)) (f32x4.add (f32x4.mul (local.get $x1) (local.get $c)) (f32x4.mul (local.get $x0) (local.get $s))))
          (local.set $o (i32.add (local.get $o) (i32.const 16)))
          (local.set $cp (i32.add (local.get $cp) (i32.const 16)))
          (local.set $sp (i32.add (local.get $sp) (i32.const 16)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $v)))
        (block $sd (loop $sl
          (br_if $sd (i32.ge_u (local.get $i) (local.get $half)))
          (local.set $a (f32.load (local.get $o)))
          (local.set $b (f32.load (i32.add (local.get $o) (local.get $hb))))
          (local.set $cf (f32.load (local.get $cp)))
          (local.set $sf (f32.load (local.get $sp)))
          (f32.store (local.get $o) (f32.sub (f32.mul (local.get $a) (local.get $cf)) (f32.mul (local.get $b) (local.get $sf))))
          (f32.store (i32.add (local.get $o) (local.get $hb)) (f32.add (f32.mul (local.get $b) (local.get $cf)) (f32.mul (local.get $a) (local.get $sf))))
          (local.set $o (i32.add (local.get $o) (i32.const 4)))
          (local.set $cp (i32.add (local.get $cp) (i32.const 4)))
          (local.set $sp (i32.add (local.get $sp) (i32.const 4)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $sl)))
        (local.set $h (i32.add (local.get $h) (i32.const 1)))
        (br $heads)))
      (local.set $t (i32.add (local.get $t) (i32.const 1)))
      (br $toks))))

  ;; e^x for 4 lanes (Cephes expf: x = n ln2 + r, degree-5 polynomial, ~1 ulp); below -87 the
  ;; result flushes to 0, above 88 it stays at e^88 (finite). Each lane's bits depend only on that lane.
  (func $exp4 (param $x v128) (result v128)
    (local $n v128) (local $r v128) (local $p v128) (local $z v128)
    (local.set $z (f32x4.lt (local.get $x) (v128.const f32x4 -87 -87 -87 -87)))
    (local.set $x (f32x4.min (f32x4.max (local.get $x) (v128.const f32x4 -87 -87 -87 -87)) (v128.const f32x4 88 88 88 88)))
    (local.set $n (f32x4.nearest (f32x4.mul (local.get $x) (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $x) (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n) (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r)) (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p
      (f32x4.add
        (f32x4.add (f32x4.mul (f32x4.mul (local.get $p) (local.get $r)) (local.get $r)) (local.get $r))
        (v128.const f32x4 1 1 1 1)))
    (v128.andnot
      (f32x4.mul (local.get $p)
        (i32x4.shl (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 127 127 127 127)) (i32.const 23)))
      (local.get $z)))

  ;; Causal attention for work items i0..i1 of (n new queries) x (nHeads heads), item = t * nHeads + h;
  ;; query t sits at position start + t and sees positions 0..start+t. q, out (n, nHeads*hd);
  ;; kc, vc (positions, nKvHeads*hd); att: this thread's scratch (start + n floats).
  ;; One item is one pass with no calls per position: scores (4 positions at a time when hd % 4 = 0,
  ;; else one at a time: 4 lanes over hd, then a scalar tail) and their max, e^(s - max) 4 positions at a time ($exp4, the tail through lane 0) summed in
  ;; 4 lanes, then Σ_p e_p v_p over 16 (then 4, then 1) columns at a time held in registers, times
  ;; 1 / Σ e_p. An item's instruction sequence depends only on its length, so a prefill gives the
  ;; same bits as one-token steps.
  (func (export "attention") (param $out i32) (param $q i32) (param $kc i32) (param $vc i32) (param $att i32)
    (param $start i32) (param $nHeads i32) (param $nKvHeads i32) (param $hd i32) (param $i0 i32) (param $i1 i32)
    (local $item i32) (local $t i32) (local $h i32) (local $len i32) (local $qo i32) (local $ko i32)
    (local $p i32) (local $i i32) (local $kvb i32) (local $scale f32) (local $a v128) (local $hd4 i32) (local $o i32)
    (local $kp i32) (local $s f32) (local $max f32) (local $mv v128) (local $sum v128) (local $inv f32)
    (local $len4 i32) (local $ap i32) (local $aend i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $vp i32) (local $w v128)
    (local.set $kvb (i32.shl (i32.mul (local.get $nKvHeads) (local.get $hd)) (i32.const 2)))
    (local.set $scale (f32.demote_f64 (f64.div (f64.const 1) (f64.sqrt (f64.convert_i32_u (local.get $hd))))))
    (local.set $hd4 (i32.and (local.get $hd) (i32.const -4)))
    (local.set $item (local.get $i0))
    (block $done
      (loop $items
        (br_if $done (i32.ge_u (local.get $item) (local.get $i1)))
        (local.set $t (i32.div_u (local.get $item) (local.get $nHeads)))
        (local.set $h (i32.rem_u (local.get $item) (local.get $nHeads)))
        (local.set $len (i32.add (i32.add (local.get $start) (local.get $t)) (i32.const 1)))
        (local.set $len4 (i32.and (local.get $len) (i32.const -4)))
        (local.set $qo (i32.add (local.get $q) (i32.shl (i32.mul (i32.add (i32.mul (local.get $t) (local.get $nHeads)) (local.get $h)) (local.get $hd)) (i32.const 2))))
        (local.set $ko (i32.shl (i32.mul (i32.div_u (local.get $h) (i32.div_u (local.get $nHeads) (local.get $nKvHeads))) (local.get $hd)) (i32.const 2)))
        ;; scores and their max, 4 positions at a time while hd % 4 = 0: 4 independent chains (and
        ;; 4 rows streaming in), each lane the sequence of one position below; the usual
        ;; (l0 + l1) + (l2 + l3) for all 4 by two shuffle-add rounds
        (local.set $max (f32.const -inf))
        (local.set $kp (i32.add (local.get $kc) (local.get $ko)))
        (local.set $ap (local.get $att))
        (local.set $aend (i32.add (local.get $att) (i32.shl (select (local.get $len4) (i32.const 0) (i32.eq (local.get $hd4) (local.get $hd))) (i32.const 2))))
        (local.set $mv (f32x4.splat (f32.const -inf)))
        (block $s4d (loop $s4
          (br_if $s4d (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0))
          (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $i (i32.const 0))
          (local.set $vp (local.get $kp))
          (block $v4d (loop $v4
            (br_if $v4d (i32.ge_u (local.get $i) (local.get $hd)))
            (local.set $w (v128.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $w) (v128.load (local.get $vp)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $vp) (local.get $kvb))))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $vp) (i32.shl (local.get $kvb) (i32.const 1)))))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $w) (v128.load (i32.add (local.get $vp) (i32.mul (local.get $kvb) (i32.const 3)))))))
            (local.set $vp (i32.add (local.get $vp) (i32.const 16)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $v4)))
          (local.set $c0
            (f32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c0) (local.get $c1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c0) (local.get $c1))))
          (local.set $c2
            (f32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c2) (local.get $c3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c2) (local.get $c3))))
          (local.set $a
            (f32x4.mul
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c0) (local.get $c2))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c0) (local.get $c2)))
              (f32x4.splat (local.get $scale))))
          (v128.store (local.get $ap) (local.get $a))
          (local.set $mv (f32x4.max (local.get $mv) (local.get $a)))
          (local.set $kp (i32.add (local.get $kp) (i32.shl (local.get $kvb) (i32.const 2))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (br $s4)))
        (local.set $max
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
            (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
        ;; the other positions one at a time
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len) (i32.const 2))))
        (block $scoresDone (loop $scores
          (br_if $scoresDone (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $a (v128.const i32x4 0 0 0 0))
          (local.set $i (i32.const 0))
          (block $vd (loop $v
            (br_if $vd (i32.ge_u (local.get $i) (local.get $hd4)))
            (local.set $a
              (f32x4.add (local.get $a)
                (f32x4.mul
                  (v128.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2))))
                  (v128.load (i32.add (local.get $kp) (i32.shl (local.get $i) (i32.const 2)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $v)))
          (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a))) (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
          (block $sd (loop $sl
            (br_if $sd (i32.ge_u (local.get $i) (local.get $hd)))
            (local.set $s
              (f32.add (local.get $s)
                (f32.mul
                  (f32.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2))))
                  (f32.load (i32.add (local.get $kp) (i32.shl (local.get $i) (i32.const 2)))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sl)))
          (local.set $s (f32.mul (local.get $s) (local.get $scale)))
          (f32.store (local.get $ap) (local.get $s))
          (local.set $max (f32.max (local.get $max) (local.get $s)))
          (local.set $kp (i32.add (local.get $kp) (local.get $kvb)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
          (br $scores)))
        ;; e^(s - max), summed in 4 lanes, then the tail one lane at a time
        (local.set $mv (f32x4.splat (local.get $max)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $ap (local.get $att))
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len4) (i32.const 2))))
        (block $ed (loop $e
          (br_if $ed (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $a (call $exp4 (f32x4.sub (v128.load (local.get $ap)) (local.get $mv))))
          (v128.store (local.get $ap) (local.get $a))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $a)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (br $e)))
        (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum))) (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len) (i32.const 2))))
        (block $etd (loop $et
          (br_if $etd (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $inv (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $ap)) (local.get $max))))))
          (f32.store (local.get $ap) (local.get $inv))
          (local.set $s (f32.add (local.get $s) (local.get $inv)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
          (br $et)))
        (local.set $inv (f32.div (f32.const 1) (local.get $s)))
        (local.set $w (f32x4.splat (local.get $inv)))
        ;; out = (Σ_p e_p v_p) / Σ e_p, 16 columns at a time in registers
        (local.set $o (i32.add (local.get $out) (i32.sub (local.get $qo) (local.get $q))))
        (local.set $i (i32.const 0))
        (block $c16d (loop $c16
          (br_if $c16d (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $hd)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0))
          (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $ap (local.get $att))
          (loop $p16
            (local.set $a (v128.load32_splat (local.get $ap)))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (v128.load offset=0 (local.get $vp)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (v128.load offset=16 (local.get $vp)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (v128.load offset=32 (local.get $vp)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (v128.load offset=48 (local.get $vp)))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p16 (i32.lt_u (local.get $ap) (local.get $aend))))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))))
          (v128.store offset=0 (local.get $p) (f32x4.mul (local.get $c0) (local.get $w)))
          (v128.store offset=16 (local.get $p) (f32x4.mul (local.get $c1) (local.get $w)))
          (v128.store offset=32 (local.get $p) (f32x4.mul (local.get $c2) (local.get $w)))
          (v128.store offset=48 (local.get $p) (f32x4.mul (local.get $c3) (local.get $w)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $c16)))
        (block $c4d (loop $c4
          (br_if $c4d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $hd)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $ap (local.get $att))
          (loop $p4
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $ap)) (v128.load (local.get $vp)))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p4 (i32.lt_u (local.get $ap) (local.get $aend))))
          (v128.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))) (f32x4.mul (local.get $c0) (local.get $w)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $c4)))
        (block $c1d (loop $c1l
          (br_if $c1d (i32.ge_u (local.get $i) (local.get $hd)))
          (local.set $s (f32.const 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 2)))))
          (local.set $ap (local.get $att))
          (loop $p1
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (f32.load (local.get $vp)))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p1 (i32.lt_u (local.get $ap) (local.get $aend))))
          (f32.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))) (f32.mul (local.get $s) (local.get $inv)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $c1l)))
        (local.set $item (i32.add (local.get $item) (i32.const 1)))
        (br $items))))

  ;; ---------------------------------------------------------------- f16 KV cache

  ;; attention over an f16 KV cache: kc, vc hold IEEE half-float bits, (positions, nKvHeads*hd).
  ;; The same instructions in the same order as "attention", each key and value widened to f32 as
  ;; it is loaded, so the result has the bits of "attention" on the cache widened to f32, on any
  ;; number of threads. Widening 4 values: v128.load16x4_s sign-extends, << 13 puts exponent and
  ;; mantissa in place, the mask keeps the sign in bit 31 only, x 2^112 rebiases the exponent and
  ;; normalises subnormals (exact). f16 infinities and NaNs would come out finite (±2^16 and more):
  ;; the cache never holds them (KvCache switches to f32 storage first), and keeping them would
  ;; cost a quarter of the decoding speed at long contexts.
  (func (export "attention_f16") (param $out i32) (param $q i32) (param $kc i32) (param $vc i32) (param $att i32)
    (param $start i32) (param $nHeads i32) (param $nKvHeads i32) (param $hd i32) (param $i0 i32) (param $i1 i32)
    (local $item i32) (local $t i32) (local $h i32) (local $len i32) (local $qo i32) (local $ko i32)
    (local $p i32) (local $i i32) (local $kvb i32) (local $scale f32) (local $a v128) (local $hd4 i32) (local $o i32)
    (local $kp i32) (local $s f32) (local $max f32) (local $mv v128) (local $sum v128) (local $inv f32)
    (local $len4 i32) (local $ap i32) (local $aend i32) (local $c0 v128) (local $c1 v128) (local $c2 v128) (local $c3 v128)
    (local $vp i32) (local $w v128)
    (local $b v128) (local $mask v128) (local $magic v128)
    (local.set $mask (v128.const i32x4 0x8fffffff 0x8fffffff 0x8fffffff 0x8fffffff))
    (local.set $magic (v128.const f32x4 0x1p112 0x1p112 0x1p112 0x1p112))
    (local.set $kvb (i32.shl (i32.mul (local.get $nKvHeads) (local.get $hd)) (i32.const 1)))
    (local.set $scale (f32.demote_f64 (f64.div (f64.const 1) (f64.sqrt (f64.convert_i32_u (local.get $hd))))))
    (local.set $hd4 (i32.and (local.get $hd) (i32.const -4)))
    (local.set $item (local.get $i0))
    (block $done
      (loop $items
        (br_if $done (i32.ge_u (local.get $item) (local.get $i1)))
        (local.set $t (i32.div_u (local.get $item) (local.get $nHeads)))
        (local.set $h (i32.rem_u (local.get $item) (local.get $nHeads)))
        (local.set $len (i32.add (i32.add (local.get $start) (local.get $t)) (i32.const 1)))
        (local.set $len4 (i32.and (local.get $len) (i32.const -4)))
        (local.set $qo (i32.add (local.get $q) (i32.shl (i32.mul (i32.add (i32.mul (local.get $t) (local.get $nHeads)) (local.get $h)) (local.get $hd)) (i32.const 2))))
        (local.set $ko (i32.shl (i32.mul (i32.div_u (local.get $h) (i32.div_u (local.get $nHeads) (local.get $nKvHeads))) (local.get $hd)) (i32.const 1)))
        ;; scores and their max: 4 positions at a time while hd % 4 = 0, as "attention"
        (local.set $max (f32.const -inf))
        (local.set $kp (i32.add (local.get $kc) (local.get $ko)))
        (local.set $ap (local.get $att))
        (local.set $aend (i32.add (local.get $att) (i32.shl (select (local.get $len4) (i32.const 0) (i32.eq (local.get $hd4) (local.get $hd))) (i32.const 2))))
        (local.set $mv (f32x4.splat (f32.const -inf)))
        (block $s4d (loop $s4
          (br_if $s4d (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0))
          (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $i (i32.const 0))
          (local.set $vp (local.get $kp))
          (block $v4d (loop $v4
            (br_if $v4d (i32.ge_u (local.get $i) (local.get $hd)))
            (local.set $w (v128.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2)))))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $w) (f32x4.mul (v128.and (i32x4.shl (v128.load16x4_s (local.get $vp)) (i32.const 13)) (local.get $mask)) (local.get $magic)))))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $w) (f32x4.mul (v128.and (i32x4.shl (v128.load16x4_s (i32.add (local.get $vp) (local.get $kvb))) (i32.const 13)) (local.get $mask)) (local.get $magic)))))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $w) (f32x4.mul (v128.and (i32x4.shl (v128.load16x4_s (i32.add (local.get $vp) (i32.shl (local.get $kvb) (i32.const 1)))) (i32.const 13)) (local.get $mask)) (local.get $magic)))))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $w) (f32x4.mul (v128.and (i32x4.shl (v128.load16x4_s (i32.add (local.get $vp) (i32.mul (local.get $kvb) (i32.const 3)))) (i32.const 13)) (local.get $mask)) (local.get $magic)))))
            (local.set $vp (i32.add (local.get $vp) (i32.const 8)))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $v4)))
          (local.set $c0
            (f32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c0) (local.get $c1))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c0) (local.get $c1))))
          (local.set $c2
            (f32x4.add
              (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c2) (local.get $c3))
              (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c2) (local.get $c3))))
          (local.set $a
            (f32x4.mul
              (f32x4.add
                (i8x16.shuffle 0 1 2 3 8 9 10 11 16 17 18 19 24 25 26 27 (local.get $c0) (local.get $c2))
                (i8x16.shuffle 4 5 6 7 12 13 14 15 20 21 22 23 28 29 30 31 (local.get $c0) (local.get $c2)))
              (f32x4.splat (local.get $scale))))
          (v128.store (local.get $ap) (local.get $a))
          (local.set $mv (f32x4.max (local.get $mv) (local.get $a)))
          (local.set $kp (i32.add (local.get $kp) (i32.shl (local.get $kvb) (i32.const 2))))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (br $s4)))
        (local.set $max
          (f32.max
            (f32.max (f32x4.extract_lane 0 (local.get $mv)) (f32x4.extract_lane 1 (local.get $mv)))
            (f32.max (f32x4.extract_lane 2 (local.get $mv)) (f32x4.extract_lane 3 (local.get $mv)))))
        ;; the other positions one at a time
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len) (i32.const 2))))
        (block $scoresDone (loop $scores
          (br_if $scoresDone (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $a (v128.const i32x4 0 0 0 0))
          (local.set $i (i32.const 0))
          (block $vd (loop $v
            (br_if $vd (i32.ge_u (local.get $i) (local.get $hd4)))
            (local.set $b (i32x4.shl (v128.load16x4_s (i32.add (local.get $kp) (i32.shl (local.get $i) (i32.const 1)))) (i32.const 13)))
            (local.set $a
              (f32x4.add (local.get $a)
                (f32x4.mul
                  (v128.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2))))
                  (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (br $v)))
          (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $a)) (f32x4.extract_lane 1 (local.get $a))) (f32.add (f32x4.extract_lane 2 (local.get $a)) (f32x4.extract_lane 3 (local.get $a)))))
          (block $sd (loop $sl
            (br_if $sd (i32.ge_u (local.get $i) (local.get $hd)))
            (local.set $s
              (f32.add (local.get $s)
                (f32.mul
                  (f32.load (i32.add (local.get $qo) (i32.shl (local.get $i) (i32.const 2))))
                  (call $f16 (i32.load16_u (i32.add (local.get $kp) (i32.shl (local.get $i) (i32.const 1))))))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $sl)))
          (local.set $s (f32.mul (local.get $s) (local.get $scale)))
          (f32.store (local.get $ap) (local.get $s))
          (local.set $max (f32.max (local.get $max) (local.get $s)))
          (local.set $kp (i32.add (local.get $kp) (local.get $kvb)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
          (br $scores)))
        ;; e^(s - max), summed in 4 lanes, then the tail one lane at a time
        (local.set $mv (f32x4.splat (local.get $max)))
        (local.set $sum (v128.const i32x4 0 0 0 0))
        (local.set $ap (local.get $att))
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len4) (i32.const 2))))
        (block $ed (loop $e
          (br_if $ed (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $a (call $exp4 (f32x4.sub (v128.load (local.get $ap)) (local.get $mv))))
          (v128.store (local.get $ap) (local.get $a))
          (local.set $sum (f32x4.add (local.get $sum) (local.get $a)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 16)))
          (br $e)))
        (local.set $s (f32.add (f32.add (f32x4.extract_lane 0 (local.get $sum)) (f32x4.extract_lane 1 (local.get $sum))) (f32.add (f32x4.extract_lane 2 (local.get $sum)) (f32x4.extract_lane 3 (local.get $sum)))))
        (local.set $aend (i32.add (local.get $att) (i32.shl (local.get $len) (i32.const 2))))
        (block $etd (loop $et
          (br_if $etd (i32.ge_u (local.get $ap) (local.get $aend)))
          (local.set $inv (f32x4.extract_lane 0 (call $exp4 (f32x4.splat (f32.sub (f32.load (local.get $ap)) (local.get $max))))))
          (f32.store (local.get $ap) (local.get $inv))
          (local.set $s (f32.add (local.get $s) (local.get $inv)))
          (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
          (br $et)))
        (local.set $inv (f32.div (f32.const 1) (local.get $s)))
        (local.set $w (f32x4.splat (local.get $inv)))
        ;; out = (Σ_p e_p v_p) / Σ e_p, 16 columns at a time in registers
        (local.set $o (i32.add (local.get $out) (i32.sub (local.get $qo) (local.get $q))))
        (local.set $i (i32.const 0))
        (block $c16d (loop $c16
          (br_if $c16d (i32.gt_u (i32.add (local.get $i) (i32.const 16)) (local.get $hd)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $c1 (v128.const i32x4 0 0 0 0))
          (local.set $c2 (v128.const i32x4 0 0 0 0))
          (local.set $c3 (v128.const i32x4 0 0 0 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 1)))))
          (local.set $ap (local.get $att))
          (loop $p16
            (local.set $a (v128.load32_splat (local.get $ap)))
            (local.set $b (i32x4.shl (v128.load16x4_s (local.get $vp)) (i32.const 13)))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (local.get $a) (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $b (i32x4.shl (v128.load16x4_s offset=8 (local.get $vp)) (i32.const 13)))
            (local.set $c1 (f32x4.add (local.get $c1) (f32x4.mul (local.get $a) (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $b (i32x4.shl (v128.load16x4_s offset=16 (local.get $vp)) (i32.const 13)))
            (local.set $c2 (f32x4.add (local.get $c2) (f32x4.mul (local.get $a) (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $b (i32x4.shl (v128.load16x4_s offset=24 (local.get $vp)) (i32.const 13)))
            (local.set $c3 (f32x4.add (local.get $c3) (f32x4.mul (local.get $a) (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p16 (i32.lt_u (local.get $ap) (local.get $aend))))
          (local.set $p (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))))
          (v128.store offset=0 (local.get $p) (f32x4.mul (local.get $c0) (local.get $w)))
          (v128.store offset=16 (local.get $p) (f32x4.mul (local.get $c1) (local.get $w)))
          (v128.store offset=32 (local.get $p) (f32x4.mul (local.get $c2) (local.get $w)))
          (v128.store offset=48 (local.get $p) (f32x4.mul (local.get $c3) (local.get $w)))
          (local.set $i (i32.add (local.get $i) (i32.const 16)))
          (br $c16)))
        (block $c4d (loop $c4
          (br_if $c4d (i32.gt_u (i32.add (local.get $i) (i32.const 4)) (local.get $hd)))
          (local.set $c0 (v128.const i32x4 0 0 0 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 1)))))
          (local.set $ap (local.get $att))
          (loop $p4
            (local.set $b (i32x4.shl (v128.load16x4_s (local.get $vp)) (i32.const 13)))
            (local.set $c0 (f32x4.add (local.get $c0) (f32x4.mul (v128.load32_splat (local.get $ap)) (f32x4.mul (v128.and (local.get $b) (local.get $mask)) (local.get $magic)))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p4 (i32.lt_u (local.get $ap) (local.get $aend))))
          (v128.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))) (f32x4.mul (local.get $c0) (local.get $w)))
          (local.set $i (i32.add (local.get $i) (i32.const 4)))
          (br $c4)))
        (block $c1d (loop $c1l
          (br_if $c1d (i32.ge_u (local.get $i) (local.get $hd)))
          (local.set $s (f32.const 0))
          (local.set $vp (i32.add (local.get $vc) (i32.add (local.get $ko) (i32.shl (local.get $i) (i32.const 1)))))
          (local.set $ap (local.get $att))
          (loop $p1
            (local.set $s (f32.add (local.get $s) (f32.mul (f32.load (local.get $ap)) (call $f16 (i32.load16_u (local.get $vp))))))
            (local.set $vp (i32.add (local.get $vp) (local.get $kvb)))
            (local.set $ap (i32.add (local.get $ap) (i32.const 4)))
            (br_if $p1 (i32.lt_u (local.get $ap) (local.get $aend))))
          (f32.store (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))) (f32.mul (local.get $s) (local.get $inv)))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br $c1l)))
        (local.set $item (i32.add (local.get $item) (i32.const 1)))
        (br $items))))
)
