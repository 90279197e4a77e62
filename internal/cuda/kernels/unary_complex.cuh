// Complex functions for the unary kernels of complex64, computed in double
// precision with the special values of Go's math/cmplx (the CPU kernels
// use it): z128 is a complex128.

#define UNARY_COMPLEX

struct z128 { double re, im; };

__device__ __forceinline__ bool z_isinf(double x) { return fabs(x) == inf_d(); }
__device__ __forceinline__ bool z_isnan(double x) { return x != x; }
__device__ __forceinline__ bool z_finite(double x) { return fabs(x) <= 1.7976931348623157e308; }
__device__ __forceinline__ z128 zc(double re, double im) { return z128{re, im}; }
__device__ __forceinline__ z128 z_nan() { return z128{nan_d(), nan_d()}; }
__device__ __forceinline__ z128 z_inf() { return z128{inf_d(), inf_d()}; }
__device__ __forceinline__ double inf2one(double f) { return copysign(z_isinf(f) ? 1.0 : 0.0, f); }

// z_mul multiplies as Go does: the plain formula, with no special cases.
__device__ __forceinline__ z128 z_mul(z128 a, z128 b) {
  return z128{__dsub_rn(__dmul_rn(a.re, b.re), __dmul_rn(a.im, b.im)),
              __dadd_rn(__dmul_rn(a.re, b.im), __dmul_rn(a.im, b.re))};
}

// z_div divides as Go's runtime does: Smith's algorithm, then C99's
// recovery of infinities and zeros when both parts are NaN.
__device__ z128 z_div(z128 n, z128 m) {
  double e, f;
  if (fabs(m.re) >= fabs(m.im)) {
    double ratio = m.im / m.re;
    double denom = m.re + ratio * m.im;
    e = (n.re + n.im * ratio) / denom;
    f = (n.im - n.re * ratio) / denom;
  } else {
    double ratio = m.re / m.im;
    double denom = m.im + ratio * m.re;
    e = (n.re * ratio + n.im) / denom;
    f = (n.im * ratio - n.re) / denom;
  }
  if (z_isnan(e) && z_isnan(f)) {
    double a = n.re, b = n.im, c = m.re, d = m.im;
    if (c == 0 && d == 0 && (!z_isnan(a) || !z_isnan(b))) {
      e = copysign(inf_d(), c) * a;
      f = copysign(inf_d(), c) * b;
    } else if ((z_isinf(a) || z_isinf(b)) && z_finite(c) && z_finite(d)) {
      a = inf2one(a);
      b = inf2one(b);
      e = inf_d() * (a * c + b * d);
      f = inf_d() * (b * c - a * d);
    } else if ((z_isinf(c) || z_isinf(d)) && z_finite(a) && z_finite(b)) {
      c = inf2one(c);
      d = inf2one(d);
      e = 0 * (a * c + b * d);
      f = 0 * (b * c - a * d);
    }
  }
  return z128{e, f};
}

__device__ __forceinline__ double z_abs(z128 x) { return hypot(x.re, x.im); }

__device__ z128 z_sqrt(z128 x) {
  if (x.im == 0) {
    if (x.re == 0) return zc(0, x.im);
    if (x.re < 0) return zc(0, copysign(sqrt(-x.re), x.im));
    return zc(sqrt(x.re), x.im);
  } else if (z_isinf(x.im)) {
    return zc(inf_d(), x.im);
  }
  if (x.re == 0) {
    if (x.im < 0) {
      double r = sqrt(-0.5 * x.im);
      return zc(r, -r);
    }
    double r = sqrt(0.5 * x.im);
    return zc(r, r);
  }
  double a = x.re, b = x.im, scale;
  if (fabs(a) > 4 || fabs(b) > 4) {
    a *= 0.25;
    b *= 0.25;
    scale = 2;
  } else {
    a *= 1.8014398509481984e16;  // 2^54
    b *= 1.8014398509481984e16;
    scale = 7.450580596923828125e-9;  // 2^-27
  }
  double r = hypot(a, b), t;
  if (a > 0) {
    t = sqrt(0.5 * r + 0.5 * a);
    r = scale * fabs((0.5 * b) / t);
    t *= scale;
  } else {
    r = sqrt(0.5 * r - 0.5 * a);
    t = scale * fabs((0.5 * b) / r);
    r *= scale;
  }
  return b < 0 ? zc(t, -r) : zc(t, r);
}

__device__ z128 z_exp(z128 x) {
  double re = x.re, im = x.im;
  if (z_isinf(re)) {
    if (re > 0 && im == 0) return x;
    if (z_isinf(im) || z_isnan(im)) {
      if (re < 0) return zc(0, copysign(0.0, im));
      return zc(inf_d(), nan_d());
    }
  } else if (z_isnan(re)) {
    if (im == 0) return zc(nan_d(), im);
  }
  double r = exp(re), s, c;
  sincos(im, &s, &c);
  return zc(r * c, r * s);
}

__device__ __forceinline__ z128 z_log(z128 x) { return zc(log(z_abs(x)), atan2(x.im, x.re)); }

// sinhcosh is Go's: the functions for |x| <= 0.5, else through one exp.
__device__ __forceinline__ void z_sinhcosh(double x, double* sh, double* ch) {
  if (fabs(x) <= 0.5) {
    *sh = sinh(x);
    *ch = cosh(x);
    return;
  }
  double e = exp(x);
  double ei = 0.5 / e;
  e *= 0.5;
  *sh = e - ei;
  *ch = e + ei;
}

__device__ z128 z_sin(z128 x) {
  double re = x.re, im = x.im;
  if (im == 0 && (z_isinf(re) || z_isnan(re))) return zc(nan_d(), im);
  if (z_isinf(im)) {
    if (re == 0) return x;
    if (z_isinf(re) || z_isnan(re)) return zc(nan_d(), im);
  } else if (re == 0 && z_isnan(im)) {
    return x;
  }
  double s, c, sh, ch;
  sincos(re, &s, &c);
  z_sinhcosh(im, &sh, &ch);
  return zc(s * ch, c * sh);
}

__device__ z128 z_sinh(z128 x) {
  double re = x.re, im = x.im;
  if (re == 0 && (z_isinf(im) || z_isnan(im))) return zc(re, nan_d());
  if (z_isinf(re)) {
    if (im == 0) return x;
    if (z_isinf(im) || z_isnan(im)) return zc(re, nan_d());
  } else if (im == 0 && z_isnan(re)) {
    return zc(nan_d(), im);
  }
  double s, c, sh, ch;
  sincos(im, &s, &c);
  z_sinhcosh(re, &sh, &ch);
  return zc(c * sh, s * ch);
}

__device__ z128 z_cos(z128 x) {
  double re = x.re, im = x.im;
  if (im == 0 && (z_isinf(re) || z_isnan(re))) return zc(nan_d(), -im * copysign(0.0, re));
  if (z_isinf(im)) {
    if (re == 0) return zc(inf_d(), -re * copysign(0.0, im));
    if (z_isinf(re) || z_isnan(re)) return zc(inf_d(), nan_d());
  } else if (re == 0 && z_isnan(im)) {
    return zc(nan_d(), 0);
  }
  double s, c, sh, ch;
  sincos(re, &s, &c);
  z_sinhcosh(im, &sh, &ch);
  return zc(c * ch, -s * sh);
}

__device__ z128 z_cosh(z128 x) {
  double re = x.re, im = x.im;
  if (re == 0 && (z_isinf(im) || z_isnan(im))) return zc(nan_d(), re * copysign(0.0, im));
  if (z_isinf(re)) {
    if (im == 0) return zc(inf_d(), im * copysign(0.0, re));
    if (z_isinf(im) || z_isnan(im)) return zc(inf_d(), nan_d());
  } else if (im == 0 && z_isnan(re)) {
    return zc(nan_d(), im);
  }
  double s, c, sh, ch;
  sincos(im, &s, &c);
  z_sinhcosh(re, &sh, &ch);
  return zc(c * ch, s * sh);
}

// Shifts with Go's meaning: counts of 64 or more (or negative) give 0.
__device__ __forceinline__ u64 shl64(u64 x, int n) { return n < 0 || n >= 64 ? 0 : x << n; }
__device__ __forceinline__ u64 shr64(u64 x, int n) { return n < 0 || n >= 64 ? 0 : x >> n; }

// z_reduce_pi reduces x >= 0 into (-pi/2, pi/2] modulo pi, as Go's
// reducePi: Cody-Waite below 2^30, Payne-Hanek with the bits of 1/pi above.
__device__ double z_reduce_pi(double x) {
  if (fabs(x) < 1073741824.0) {
    const double PI1 = 3.141592502593994, PI2 = 1.5099578831723193e-07, PI3 = 1.0780605716316238e-14;
    double t = x / 3.141592653589793;
    t += 0.5;
    t = (double)(i64)t;
    return __dsub_rn(__dsub_rn(__dsub_rn(x, __dmul_rn(t, PI1)), __dmul_rn(t, PI2)), __dmul_rn(t, PI3));
  }
  const u64 mPi[20] = {
      0x0000000000000000ull, 0x517cc1b727220a94ull, 0xfe13abe8fa9a6ee0ull, 0x6db14acc9e21c820ull,
      0xff28b1d5ef5de2b0ull, 0xdb92371d2126e970ull, 0x0324977504e8c90eull, 0x7f0ef58e5894d39full,
      0x74411afa975da242ull, 0x74ce38135a2fbf20ull, 0x9cc8eb1cc1a99cfaull, 0x4e422fc5defc941dull,
      0x8ffc4bffef02cc07ull, 0xf79788c5ad05368full, 0xb69b3f6793e584dbull, 0xa7a31fb34f2ff516ull,
      0xba93dd63f5f2f8bdull, 0x9e839cfbc5294975ull, 0x35fdafd88fc6ae84ull, 0x2b0198237e3db5d5ull};
  u64 ix = (u64)__double_as_longlong(x);
  int e = (int)((ix >> 52) & 0x7ff) - 1023 - 52;
  ix &= (1ull << 52) - 1;
  ix |= 1ull << 52;
  unsigned digit = (unsigned)(e + 64) / 64, bitshift = (unsigned)(e + 64) % 64;
  u64 z0 = shl64(mPi[digit], bitshift) | shr64(mPi[digit + 1], 64 - bitshift);
  u64 z1 = shl64(mPi[digit + 1], bitshift) | shr64(mPi[digit + 2], 64 - bitshift);
  u64 z2 = shl64(mPi[digit + 2], bitshift) | shr64(mPi[digit + 3], 64 - bitshift);
  u64 z2hi = __umul64hi(z2, ix);
  u64 z1hi = __umul64hi(z1, ix), z1lo = z1 * ix;
  u64 z0lo = z0 * ix;
  u64 lo = z1lo + z2hi;
  u64 c = lo < z1lo ? 1 : 0;
  u64 hi = z0lo + z1hi + c;
  unsigned lz = (unsigned)__clzll((long long)hi);
  u64 ex = (u64)(1023 - (lz + 1));
  hi = shl64(hi, lz + 1) | shr64(lo, 64 - (int)(lz + 1));
  hi >>= 64 - 52;
  hi |= ex << 52;
  x = __longlong_as_double((long long)hi);
  if (x > 0.5) x -= 1;
  return 3.141592653589793 * x;
}

// z_tan_series is Go's tanSeries: cos(2re) + cosh(2im) by its Taylor
// series, for when the sum nearly cancels.
__device__ double z_tan_series(z128 z) {
  const double MACHEP = 1.0 / 9007199254740992.0;
  double x = fabs(2 * z.re), y = fabs(2 * z.im);
  x = z_reduce_pi(x);
  x = x * x;
  y = y * y;
  double x2 = 1, y2 = 1, f = 1, rn = 0, d = 0;
  for (int it = 0; it < 1000; it++) {
    rn++; f *= rn; rn++; f *= rn;
    x2 *= x; y2 *= y;
    double t = (y2 + x2) / f;
    d += t;
    rn++; f *= rn; rn++; f *= rn;
    x2 *= x; y2 *= y;
    t = (y2 - x2) / f;
    d += t;
    if (!(fabs(t / d) > MACHEP)) break;
  }
  return d;
}

__device__ z128 z_tan(z128 x) {
  double re = x.re, im = x.im;
  if (z_isinf(im)) {
    if (z_isinf(re) || z_isnan(re)) return zc(copysign(0.0, re), copysign(1.0, im));
    return zc(copysign(0.0, sin(2 * re)), copysign(1.0, im));
  } else if (re == 0 && z_isnan(im)) {
    return x;
  }
  double d = cos(2 * re) + cosh(2 * im);
  if (fabs(d) < 0.25) d = z_tan_series(x);
  if (d == 0) return z_inf();
  return zc(sin(2 * re) / d, sinh(2 * im) / d);
}

__device__ z128 z_tanh(z128 x) {
  double re = x.re, im = x.im;
  if (z_isinf(re)) {
    if (z_isinf(im) || z_isnan(im)) return zc(copysign(1.0, re), copysign(0.0, im));
    return zc(copysign(1.0, re), copysign(0.0, sin(2 * im)));
  } else if (im == 0 && z_isnan(re)) {
    return x;
  }
  double d = cosh(2 * re) + cos(2 * im);
  if (d == 0) return z_inf();
  return zc(sinh(2 * re) / d, sin(2 * im) / d);
}

__device__ z128 z_asin(z128 x) {
  double re = x.re, im = x.im;
  if (im == 0 && fabs(re) <= 1) return zc(asin(re), im);
  if (re == 0 && fabs(im) <= 1) return zc(re, asinh(im));
  if (z_isnan(im)) {
    if (re == 0) return zc(re, nan_d());
    if (z_isinf(re)) return zc(nan_d(), re);
    return z_nan();
  }
  if (z_isinf(im)) {
    if (z_isnan(re)) return x;
    if (z_isinf(re)) return zc(copysign(0.7853981633974483, re), im);
    return zc(copysign(0.0, re), im);
  }
  if (z_isinf(re)) return zc(copysign(1.5707963267948966, re), copysign(re, im));
  z128 ct = zc(-im, re);  // i*x
  z128 xx = z_mul(x, x);
  z128 x1 = zc(1 - xx.re, -xx.im);  // 1 - x*x
  z128 x2 = z_sqrt(x1);
  z128 w = z_log(zc(ct.re + x2.re, ct.im + x2.im));
  return zc(w.im, -w.re);  // -i*w
}

__device__ z128 z_asinh(z128 x) {
  double re = x.re, im = x.im;
  if (im == 0 && fabs(re) <= 1) return zc(asinh(re), im);
  if (re == 0 && fabs(im) <= 1) return zc(re, asin(im));
  if (z_isinf(re)) {
    if (z_isinf(im)) return zc(re, copysign(0.7853981633974483, im));
    if (z_isnan(im)) return x;
    return zc(re, copysign(0.0, im));
  }
  if (z_isnan(re)) {
    if (im == 0) return x;
    if (z_isinf(im)) return zc(im, re);
    return z_nan();
  }
  if (z_isinf(im)) return zc(copysign(im, re), copysign(1.5707963267948966, im));
  z128 xx = z_mul(x, x);
  z128 s = z_sqrt(zc(1 + xx.re, xx.im));  // sqrt(1 + x*x)
  return z_log(zc(x.re + s.re, x.im + s.im));
}

__device__ z128 z_acos(z128 x) {
  z128 w = z_asin(x);
  return zc(1.5707963267948966 - w.re, -w.im);
}

__device__ z128 z_acosh(z128 x) {
  if (x.re == 0 && x.im == 0) return zc(0, copysign(1.5707963267948966, x.im));
  z128 w = z_acos(x);
  if (w.im <= 0) return zc(-w.im, w.re);  // i*w
  return zc(w.im, -w.re);                 // -i*w
}

__device__ z128 z_atan(z128 x) {
  double re = x.re, im = x.im;
  if (im == 0) return zc(atan(re), im);
  if (re == 0 && fabs(im) <= 1) return zc(re, atanh(im));
  if (z_isinf(im) || z_isinf(re)) {
    if (z_isnan(re)) return zc(nan_d(), copysign(0.0, im));
    return zc(copysign(1.5707963267948966, re), copysign(0.0, im));
  }
  if (z_isnan(re) || z_isnan(im)) return z_nan();
  double x2 = re * re;
  double a = 1 - x2 - im * im;
  if (a == 0) return z_nan();
  double t = 0.5 * atan2(2 * re, a);
  double w = z_reduce_pi(t);
  t = im - 1;
  double b = x2 + t * t;
  if (b == 0) return z_nan();
  t = im + 1;
  double c = (x2 + t * t) / b;
  return zc(w, 0.25 * log(c));
}

__device__ z128 z_atanh(z128 x) {
  z128 z = z_atan(zc(-x.im, x.re));  // atan(i*x)
  return zc(z.im, -z.re);             // -i*z
}
