/*
 * delta_pe_x64.c - the amd64 instruction length decoder of the PA30
 * transform DisasmX64 (flag 0x200; doc/pa30.md, "PE file types").
 *
 * Windows walks each function that .pdata names, one instruction after the
 * other, and rewrites the one 4-byte operand an instruction may carry that
 * is relative to the instruction pointer: a RIP-relative disp32 (ModRM
 * mod 00, r/m 101) or the rel32 of a CALL, JMP or Jcc.  Only the lengths
 * and that operand matter, so this is a length decoder, not a
 * disassembler.  Its tables are Windows' classification (after the public
 * Rust crate's reading), quirks included: an instruction decoded to another
 * length than Windows' would shift every later one in the function, and
 * with them the operands rewritten.
 */
#include "config.h"

#include "delta_internal.h"

/* How each opcode's operands begin (one character per opcode, rows of 16):
 *   .  no ModRM        m  a ModRM (and SIB, displacement)
 *   x  stop: Windows ends the instruction after the opcode
 *   o  a memory offset (8 bytes, 4 with 0x67)
 *   b  a rel8          d  a rel32, the operand rewritten */
static const char operands_1b[] = "mmmm..xxmmmm..xx" /* 00 */
                                  "mmmm..xxmmmm..xx" /* 10 */
                                  "mmmm..xxmmmm..xx" /* 20 */
                                  "mmmm..xxmmmm..xx" /* 30 */
                                  "xxxxxxxxxxxxxxxx" /* 40: REX, handled before */
                                  "................" /* 50 */
                                  "xxxmxxxx.m.m...." /* 60 */
                                  "bbbbbbbbbbbbbbbb" /* 70 */
                                  "mmxmmmmmmmmmmmmm" /* 80 */
                                  "..........x...xx" /* 90 */
                                  "oooo............" /* A0 */
                                  "................" /* B0 */
                                  "mm..xxmm......x." /* C0 */
                                  "mmmmxxx.mmmmmmmm" /* D0 */
                                  "bbbb....ddxb...." /* E0 */
                                  "......mm......mm"; /* F0 */
static const char operands_0f[] = "mmmm......x.xm.m" /* 00 */
                                  "mmmmmmmmmxxxxxxx" /* 10 */
                                  "mmmmxxxxmmmmmmmm" /* 20 */
                                  "....xxxxxxxxxxxx" /* 30 */
                                  "mmmmmmmmmmmmmmmm" /* 40 */
                                  "mmmmmmmmmmmmmmmm" /* 50 */
                                  "mmmmmmmmmmmmmmmm" /* 60 */
                                  "mmmmmmm.xxxxxxmm" /* 70 */
                                  "dddddddddddddddd" /* 80 */
                                  "mmmmmmmmmmmmmmmm" /* 90 */
                                  "...mmmxx...mmmmm" /* A0 */
                                  "mmmmmmmmxmmmmmmm" /* B0 */
                                  "mmmmmmmm........" /* C0 */
                                  "xmmmmmmmmmmmmmmm" /* D0 */
                                  "mmmmmmmmmmmmmmmm" /* E0 */
                                  "xmmmmmmmmmmmmmmx"; /* F0 */

/* The immediate that follows:
 *   .  none            b  imm8
 *   z  imm32 (imm16 with 0x66)
 *   v  imm32, imm64 with REX.W, imm16 with 0x66 (MOV r, imm)
 *   t  F6: an imm8 for TEST only (ModRM reg 0 or 1)
 *   T  F7: an imm32 (imm16 with 0x66) for TEST only */
static const char immediate_1b[] = "....bz......bz.." /* 00 */
                                   "....bz......bz.." /* 10 */
                                   "....bz......bz.." /* 20 */
                                   "....bz......bz.." /* 30 */
                                   "................" /* 40 */
                                   "................" /* 50 */
                                   "........zzbb...." /* 60 */
                                   "................" /* 70 */
                                   "bzbb............" /* 80 */
                                   "................" /* 90 */
                                   "........bz......" /* A0 */
                                   "bbbbbbbbvvvvvvvv" /* B0 */
                                   "bbz...bz..z..b.." /* C0 */
                                   "................" /* D0 */
                                   "....bbbb........" /* E0 */
                                   "......tT........"; /* F0 */
static const char immediate_0f[] = "...............b" /* 00 */
                                   "................" /* 10 */
                                   "................" /* 20 */
                                   "................" /* 30 */
                                   "................" /* 40 */
                                   "................" /* 50 */
                                   "................" /* 60 */
                                   "bbbb............" /* 70 */
                                   "................" /* 80 */
                                   "................" /* 90 */
                                   "....b.......b..." /* A0 */
                                   "..........b....." /* B0 */
                                   "..b.bbb........." /* C0 */
                                   "................" /* D0 */
                                   "................" /* E0 */
                                   "................"; /* F0 */

static bool legacy_prefix(uint8_t b)
{
    switch (b) {
    case 0x26: case 0x2e: case 0x36: case 0x3e: case 0x64: case 0x65:
    case 0x66: case 0x67: case 0xf0: case 0xf2: case 0xf3:
        return true;
    default:
        return false;
    }
}

size_t mum__x64_insn(const uint8_t *p, size_t n, int *field)
{
    *field = -1;
    if (n > 15)
        n = 15;
    size_t i = 0;
    bool op16 = false, addr32 = false, rex_w = false;
    /* Each "if (too few bytes) return i" below is Windows' way with an
     * instruction cut short: it ends where the bytes do, with no operand,
     * and the walk goes on after it. */
    for (; i < n && legacy_prefix(p[i]); i++) {
        op16 |= p[i] == 0x66;
        addr32 |= p[i] == 0x67;
    }
    if (i >= n)
        return i;
    if ((p[i] & 0xf0) == 0x40) {
        rex_w = (p[i] & 0x08) != 0;
        if (++i >= n || (p[i] & 0xf0) == 0x40)
            return i; /* a second REX is no opcode */
    }
    const char *operands = operands_1b, *immediate = immediate_1b;
    if (p[i] == 0x0f) {
        if (++i >= n)
            return i;
        operands = operands_0f;
        immediate = immediate_0f;
    }
    uint8_t op = p[i++];
    char kind = operands[op], imm = immediate[op];
    bool test_form = false;
    switch (kind) {
    case 'x':
        return i;
    case 'm': {
        if (i >= n)
            return i;
        uint8_t modrm = p[i++];
        unsigned mod = modrm >> 6, rm = modrm & 7, reg = (modrm >> 3) & 7;
        test_form = reg <= 1;
        size_t disp = 0;
        if (mod == 3) {
            disp = 0;
        } else if (mod == 0 && rm == 5) {
            if (n - i < 4)
                return i;
            *field = (int)i;
            disp = 4;
        } else {
            if (rm == 4) {
                if (i >= n)
                    return i;
                uint8_t sib = p[i++];
                if (mod == 0 && (sib & 7) == 5)
                    disp = 4; /* an absolute disp32: not relative */
            }
            if (mod == 1)
                disp = 1;
            else if (mod == 2)
                disp = 4;
        }
        if (n - i < disp)
            return i;
        i += disp;
        break;
    }
    case 'o': {
        size_t len = addr32 ? 4 : 8;
        if (n - i < len)
            return i;
        i += len;
        break;
    }
    case 'b':
        if (i >= n)
            return i;
        i++;
        break;
    case 'd':
        if (n - i < 4)
            return i;
        *field = (int)i;
        i += 4;
        break;
    default:
        break;
    }
    size_t len = 0;
    switch (imm) {
    case 'b':
        len = 1;
        break;
    case 'z':
        len = op16 ? 2 : 4;
        break;
    case 'v':
        len = rex_w ? 8 : op16 ? 2 : 4;
        break;
    case 't':
        len = test_form ? 1 : 0;
        break;
    case 'T':
        len = test_form ? (op16 ? 2 : 4) : 0;
        break;
    default:
        break;
    }
    if (n - i < len) {
        *field = -1; /* cut short: no operand either */
        return i;
    }
    return i + len;
}
