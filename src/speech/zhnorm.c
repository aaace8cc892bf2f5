/* zhnorm.c: the Chinese text normaliser (see zhnorm.h).
 *
 * espeak-ng's Mandarin voice misreads Arabic digits (2010年 -> 二千十年, 10000 ->
 * 十千, 3.5% -> 三 五 "percent"), so zhnorm_normalize writes every number out in
 * Han characters before espeak sees it.  The rules, in the order they are tried
 * at each run of ASCII digits (full-width digits are folded first):
 *
 *   Dates      2024-03-15, 2024/3/15, 2024.3.15 (year 1000..2099, month 1..12,
 *              day 1..31)                      -> 二零二四年三月十五日
 *   Times      H:MM or H:MM:SS (H <= 24)      -> 十点三十分, 十点, 两点零五分
 *   Fractions  a/b (b not zero)               -> b分之a: 1/2 -> 二分之一
 *   Ratios     a:b when not a time            -> a比b: 3:1 -> 三比一
 *   Ranges     a-b, a~b, a～b, a〜b, a—b, a——b, a–b, a−b, a到b, a至b (spaces
 *              allowed) -> a到b (a至b); both numbers take the reading the suffix
 *              after b gives: 10-20年 -> 十到二十年, 2010-2020年 ->
 *              二零一零到二零二零年, 10-20% -> 百分之十到百分之二十
 *   Then the number is read according to what precedes and follows it:
 *     第 / 星期 / 礼拜 before          -> ordinal, 二 not 两: 第2 -> 第二
 *     ' or ’ before exactly 2 digits   -> year digit by digit: '98年 -> 九八年
 *     % or ‰ after                     -> 百分之 / 千分之 first: 3.5% -> 百分之三点五
 *     年 / 年代 after                   -> a year (4 digits, 1000..2099, or the
 *                                         ' form) is read digit by digit:
 *                                         2010年 -> 二零一零年; anything else is a
 *                                         count: 10年 -> 十年, 2年 -> 两年, 90年代 ->
 *                                         九十年代
 *     后 after 2 digits                 -> generation: 90后 -> 九零后
 *     月 日 号 年级 楼 级 代 期 班 版 after -> date or name, 二 not 两: 2月 -> 二月
 *     a measure word after (list below) -> count, 2 -> 两: 2个 -> 两个
 *     ° ℃ after                        -> 度 / 摄氏度 after the number
 *     $ ¥ ￥ € £ before                 -> count, then 万/亿/千/百 if any, then
 *                                         美元 / 元 / 欧元 / 英镑
 *     nothing of the above after a 4-digit 1900..2099 that is not a round hundred
 *                                      -> a year, digit by digit: 2025最大 ->
 *                                         二零二五最大 (but 2000 -> 两千, 2025多人 ->
 *                                         两千零二十五多人, 2025个 -> 两千零二十五个)
 *   Readings:
 *     cardinal   4-digit groups with 万 and 亿, 零 for skipped places (101 ->
 *                一百零一, 10010 -> 一万零一十, 1050000 -> 一百零五万), 十 not 一十
 *                at the start (10 -> 十, 100000 -> 十万).
 *     两         a count's leading 2 before 百/千, a leading 4-digit group of 2
 *                before 万/亿 (200 -> 两百, 2000 -> 两千, 20000 -> 两万, 2亿 ->
 *                两亿), and the whole number 2 only before a measure word (2个 ->
 *                两个, but a bare 2 -> 二).  Never in ordinals, dates, names,
 *                fractions, ratios, or the integer part of 2.5 (二点五).
 *     decimals   integer part as a cardinal, 点, then the fraction digit by digit
 *                (1.25 -> 一点二五); a version-like 1.2.3 -> 一点二点三.
 *     thousands  1,367 -> 一千三百六十七: a comma followed by exactly 3 digits (not 4),
 *                after a first group of 1..3 digits, at most 12 digits; otherwise
 *                the comma separates list items (1,2 -> 一,二).
 *     digit by digit (with 一, not 幺): a leading 0 (007 -> 零零七), or 11 or 12
 *                digits without thousands separators and fewer than 5 trailing
 *                zeros (phone numbers and IDs such as 15937102830; but
 *                100000000000 -> 一千亿), or more than 12 digits in any case.
 *   Signs and operators (only between numbers, otherwise as listed):
 *     - − before a digit at the start or after a space, punctuation or Han
 *         character -> 负 (-5 -> 负五, -3.5% -> 负百分之三点五); between numbers
 *         -> 到; elsewhere (a-b) -> a space
 *     ~ — – 〜 between numbers -> 到; otherwise ~ -> space, the others are kept
 *     + × ÷ between numbers -> 加 乘 除以, otherwise a space; = -> 等于; & -> 和
 *   Other characters:
 *     dropped: emoji and pictographs (U+1F000..U+1FFFF, U+2600..U+27BF,
 *       U+2300..U+23FF, U+2B00..U+2BFF), variation selectors, zero-width
 *       characters (ZWJ, ZWSP, BOM), bidi controls, keycap and other combining
 *       marks for symbols, tags, private use, U+FFF0..U+FFFF, invalid UTF-8.
 *     a space: control characters, Unicode spaces, stray % ‰ ° $, @ # * _ | ^ `
 *       \ / " ' < > [ ] { }, arrows, box drawing, geometric shapes, bullets.
 *     enclosed numbers ① ⑴ ⒈ ❶ ➀ ➊ ㉑ ㊱ ... -> the number (一, 二十一, ...).
 *     kept: Han, letters, Chinese punctuation ，。？！、：；“”‘’（）《》…—, ASCII
 *       , . ? ! : ; ( ) and everything not listed above.
 *   Spaces: a run of spaces between a number and a Han character or an operator
 *     is dropped (在 2010 年 -> 在二零一零年); other spaces are kept, one space per
 *     whitespace character.
 *
 * Measure words (after which 2 is read 两): 个 位 名 人 口 户 次 回 遍 趟 下 种 类
 * 样 项 件 条 只 头 匹 台 部 辆 架 艘 家 所 座 栋 间 层 本 张 页 篇 章 节 段 句 行 字
 * 份 套 组 对 双 批 支 根 片 块 颗 粒 把 杯 瓶 天 周 星期 小时 钟头 分钟 分 秒 秒钟
 * 毫秒 岁 倍 成 点 轮 场 届 步 笔 元 角 毛 美元 欧元 英镑 亿 万 千 百 米 公里 千米
 * 厘米 毫米 公斤 千克 斤 克 吨 升 度 集 款 门 首 幅 封 道 声 票 方面 大 国 者; and
 * 年 when it counts years (not a year number).  多 余 来 几 after a number mark it
 * as a count too (no 两 for a bare 2, no bare-year reading). */
#include "speech/zhnorm.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* ------------------------------------------------------------------ UTF-8 */

#define CP_NONE 0xFFFFFFFFu    /* no character (start or end of the text) */
#define CP_INVALID 0xFFFFFFFEu /* a byte that does not start valid UTF-8 */

/* Characters the rules name. */
enum {
    CP_TIMES = 0x00D7,           /* × */
    CP_DIVIDE = 0x00F7,          /* ÷ */
    CP_EN_DASH = 0x2013,         /* – */
    CP_EM_DASH = 0x2014,         /* — */
    CP_RIGHT_QUOTE = 0x2019,     /* ’ */
    CP_MINUS_SIGN = 0x2212,      /* − */
    CP_WAVE_DASH = 0x301C,       /* 〜 */
    CP_FULLWIDTH_TILDE = 0xFF5E, /* ～ */
    CP_POUND = 0x00A3,           /* £ */
    CP_YEN = 0x00A5,             /* ¥ */
    CP_EURO = 0x20AC,            /* € */
    CP_FULLWIDTH_YEN = 0xFFE5    /* ￥ */
};

/* Decodes the character at s[i] (i < len) into *cp; returns its length in bytes
 * (1 for an invalid byte, with *cp = CP_INVALID). */
static size_t utf8_decode(const char *s, size_t len, size_t i, uint32_t *cp)
{
    const unsigned char *u = (const unsigned char *)s;
    unsigned char c = u[i];
    size_t n;
    uint32_t v;
    if (c < 0x80) {
        *cp = c;
        return 1;
    }
    if (c >= 0xC2 && c <= 0xDF)
        n = 2, v = c & 0x1Fu;
    else if (c >= 0xE0 && c <= 0xEF)
        n = 3, v = c & 0x0Fu;
    else if (c >= 0xF0 && c <= 0xF4)
        n = 4, v = c & 0x07u;
    else {
        *cp = CP_INVALID;
        return 1;
    }
    if (len - i < n) {
        *cp = CP_INVALID;
        return 1;
    }
    for (size_t k = 1; k < n; k++) {
        if ((u[i + k] & 0xC0) != 0x80) {
            *cp = CP_INVALID;
            return 1;
        }
        v = (v << 6) | (u[i + k] & 0x3Fu);
    }
    if ((n == 3 && v < 0x800) || (n == 4 && (v < 0x10000 || v > 0x10FFFF)) || (v >= 0xD800 && v <= 0xDFFF)) {
        *cp = CP_INVALID;
        return 1;
    }
    *cp = v;
    return n;
}

/* The character ending just before s[i]; CP_NONE when i == 0. */
static uint32_t cp_before(const char *s, size_t i)
{
    if (i == 0) return CP_NONE;
    size_t j = i - 1;
    while (j > 0 && i - j < 4 && ((unsigned char)s[j] & 0xC0) == 0x80)
        j--;
    uint32_t cp;
    if (utf8_decode(s, i, j, &cp) != i - j) return CP_INVALID;
    return cp;
}

/* The character at s[i]; CP_NONE at the end. */
static uint32_t cp_at(const char *s, size_t len, size_t i)
{
    uint32_t cp;
    if (i >= len) return CP_NONE;
    utf8_decode(s, len, i, &cp);
    return cp;
}

static int starts_with(const char *s, size_t len, size_t i, const char *word)
{
    size_t n = strlen(word);
    return i <= len && len - i >= n && memcmp(s + i, word, n) == 0;
}

/* ------------------------------------------------------- character classes */

static int is_digit(char c)
{
    return c >= '0' && c <= '9';
}
static int is_ascii_alpha(uint32_t cp)
{
    return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
}
static int digit_at(const char *s, size_t len, size_t i)
{
    return i < len && is_digit(s[i]);
}

static int is_han(uint32_t cp)
{
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3134F) || cp == 0x3007;
}

/* Characters that become words between numbers (加, 到, 等于, ...). */
static int is_operator(uint32_t cp)
{
    switch (cp) {
    case '+':
    case '=':
    case '-':
    case '~':
    case '/':
    case CP_TIMES:
    case CP_DIVIDE:
    case CP_EN_DASH:
    case CP_EM_DASH:
    case CP_MINUS_SIGN:
    case CP_WAVE_DASH:
    case CP_FULLWIDTH_TILDE:
        return 1;
    default:
        return 0;
    }
}

/* Characters that end a converted number: digits and the symbols a number consumes. */
static int ends_number(uint32_t cp)
{
    return (cp >= '0' && cp <= '9') || cp == '%' || cp == 0x2030 || cp == 0x00B0 || cp == 0x2103;
}

/* Length in bytes of the whitespace or control character at s[i], 0 if there is none. */
static size_t space_len(const char *s, size_t len, size_t i)
{
    unsigned char c = (unsigned char)s[i];
    if (c < 0x20 || c == ' ' || c == 0x7F) return 1;
    if (c < 0x80) return 0;
    uint32_t cp;
    size_t n = utf8_decode(s, len, i, &cp);
    if ((cp >= 0x80 && cp <= 0xA0) || cp == 0x3000 || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 ||
        cp == 0x2029 || cp == 0x202F || cp == 0x205F || cp == 0x1680)
        return n;
    return 0;
}

/* Skips ASCII spaces and tabs forward from i / backward from i. */
static size_t skip_blanks(const char *s, size_t len, size_t i)
{
    while (i < len && (s[i] == ' ' || s[i] == '\t'))
        i++;
    return i;
}

static size_t skip_blanks_back(const char *s, size_t i)
{
    while (i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\t'))
        i--;
    return i;
}

/* Emoji, pictographs and invisible characters espeak would spell out or choke on. */
static int is_dropped(uint32_t cp)
{
    return cp == CP_INVALID || (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x202A && cp <= 0x202E) ||
           (cp >= 0x2060 && cp <= 0x206F) || (cp >= 0xFE00 && cp <= 0xFE0F) || cp == 0xFEFF ||
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0x2300 && cp <= 0x23FF) ||
           (cp >= 0x2600 && cp <= 0x27BF) || (cp >= 0x2B00 && cp <= 0x2BFF) || cp == 0x3030 || cp == 0x303D ||
           cp == 0x00A9 || cp == 0x00AE || cp == 0x2122 || cp == 0x2139 || cp == 0x24C2 || cp == 0x3297 ||
           cp == 0x3299 || (cp >= 0x1F000 && cp <= 0x1FFFF) || (cp >= 0xE000 && cp <= 0xF8FF) ||
           (cp >= 0xE0000 && cp <= 0xE0FFF) || cp >= 0xF0000 || (cp >= 0xFFF0 && cp <= 0xFFFF);
}

/* Symbols that separate words but cannot be said: arrows, box drawing, shapes, bullets. */
static int is_spoken_as_space(uint32_t cp)
{
    return (cp >= 0x2190 && cp <= 0x21FF) || (cp >= 0x2500 && cp <= 0x25FF) || cp == 0x2022 || cp == 0x2023 ||
           cp == 0x2043 || cp == 0x2219 || cp == 0x2030 || cp == 0x00B0 || cp == 0x2103 || cp == 0x00A6 ||
           cp == 0x00AC;
}

/* The value of an enclosed number (① ⑴ ⒈ ⓵ ❶ ➀ ➊ ㉑ ㊱), or -1. */
static int enclosed_number_value(uint32_t cp)
{
    static const struct {
        uint32_t first, last;
        int value_of_first;
    } blocks[] = {{0x2460, 0x2473, 1},  {0x2474, 0x2487, 1}, {0x2488, 0x249B, 1}, {0x24EA, 0x24EA, 0},
                  {0x24F5, 0x24FE, 1},  {0x2776, 0x277F, 1}, {0x2780, 0x2789, 1}, {0x278A, 0x2793, 1},
                  {0x3251, 0x325F, 21}, {0x32B1, 0x32BF, 36}};
    for (size_t k = 0; k < sizeof blocks / sizeof blocks[0]; k++)
        if (cp >= blocks[k].first && cp <= blocks[k].last)
            return blocks[k].value_of_first + (int)(cp - blocks[k].first);
    return -1;
}

/* ------------------------------------------------------------ width folding */

/* Full-width Chinese sentence punctuation that zhnorm_normalize keeps as it is
 * (． is folded: between digits it is a decimal point). */
static int is_kept_fullwidth(uint32_t cp)
{
    switch (cp) {
    case 0xFF01: /* ！ */
    case 0xFF08: /* （ */
    case 0xFF09: /* ） */
    case 0xFF0C: /* ， */
    case 0xFF1A: /* ： */
    case 0xFF1B: /* ； */
    case 0xFF1F: /* ？ */
        return 1;
    default:
        return 0;
    }
}

static void fold(const char *in, size_t len, int keep_chinese_punctuation, struct strbuf *out)
{
    size_t i = 0;
    if (len > 0) sb_reserve(out, len); /* (every character appends, so out stays terminated) */
    while (i < len) {
        uint32_t cp;
        size_t n = utf8_decode(in, len, i, &cp);
        if (cp >= 0xFF01 && cp <= 0xFF5E && !(keep_chinese_punctuation && is_kept_fullwidth(cp)))
            sb_addc(out, (char)(cp - 0xFEE0));
        else if (cp == 0x3000 || cp == 0x00A0)
            sb_addc(out, ' ');
        else
            sb_add(out, in + i, n);
        i += n;
    }
}

void zhnorm_fold_width(const char *in, size_t len, struct strbuf *out)
{
    fold(in, len, 0, out);
}

/* ---------------------------------------------------------- number reading */

static const char *const han_digit[10] = {"零", "一", "二", "三", "四", "五", "六", "七", "八", "九"};
static const char *const place_unit[4] = {"", "十", "百", "千"};
static const char *const group_unit[3] = {"", "万", "亿"};

#define CARDINAL_MAX_DIGITS 12 /* up to 9999亿9999万9999 */

void zhnorm_digits(const char *digits, size_t n, struct strbuf *out)
{
    for (size_t k = 0; k < n; k++)
        if (is_digit(digits[k])) sb_adds(out, han_digit[digits[k] - '0']);
}

/* Reads one 4-digit group (1..9999) without its 万/亿.  leading: this is the first
 * group said, so a leading 1 in the tens place is dropped (十二, not 一十二) and,
 * with liang, a leading 2 before 百/千 or alone is 两. */
static void read_group(int value, int leading, int liang, struct strbuf *out)
{
    int digit_at_place[4] = {value % 10, value / 10 % 10, value / 100 % 10, value / 1000 % 10};
    int started = 0, zero_pending = 0;
    for (int place = 3; place >= 0; place--) {
        int d = digit_at_place[place];
        if (d == 0) {
            if (started) zero_pending = 1;
            continue;
        }
        if (zero_pending) sb_adds(out, "零");
        zero_pending = 0;
        int first = leading && !started;
        if (first && place == 1 && d == 1)
            ; /* 十, not 一十 */
        else if (first && place != 1 && d == 2 && liang)
            sb_adds(out, "两");
        else
            sb_adds(out, han_digit[d]);
        sb_adds(out, place_unit[place]);
        started = 1;
    }
}

/* The value of 4-digit group g (0 = units, 1 = 万, 2 = 亿) of count digits. */
static int group_value(const char *d, size_t count, size_t g)
{
    size_t end = count - 4 * g;
    size_t start = end >= 4 ? end - 4 : 0;
    int value = 0;
    for (size_t k = start; k < end; k++)
        value = value * 10 + (d[k] - '0');
    return value;
}

void zhnorm_cardinal(const char *digits, size_t n, int use_liang, struct strbuf *out)
{
    char d[CARDINAL_MAX_DIGITS];
    size_t count = 0, seen = 0;
    for (size_t k = 0; k < n; k++) {
        if (!is_digit(digits[k])) continue;
        seen++;
        if (count == 0 && digits[k] == '0') continue; /* leading zero */
        if (count < CARDINAL_MAX_DIGITS) d[count] = digits[k];
        count++;
    }
    if (seen == 0) return;
    if (count == 0) {
        sb_adds(out, "零");
        return;
    }
    if (count > CARDINAL_MAX_DIGITS) {
        zhnorm_digits(digits, n, out);
        return;
    }
    size_t groups = (count + 3) / 4;
    int said = 0, zero_pending = 0;
    for (size_t g = groups; g-- > 0;) {
        int value = group_value(d, count, g);
        if (value == 0) {
            if (said) zero_pending = 1;
            continue;
        }
        if (said && (zero_pending || value < 1000)) sb_adds(out, "零");
        zero_pending = 0;
        read_group(value, !said, use_liang, out);
        sb_adds(out, group_unit[g]);
        said = 1;
    }
}

/* Reads a small integer (month, day, hour...) without 两. */
static void say_small(long value, struct strbuf *out)
{
    char buf[24];
    int n = snprintf(buf, sizeof buf, "%ld", value);
    zhnorm_cardinal(buf, (size_t)n, 0, out);
}

/* ------------------------------------------------------------ number tokens */

/* A number as written: an integer part (maybe with thousands separators) and an
 * optional fraction (maybe version-like, "2.0.1").  Offsets are into the text. */
struct number {
    size_t end;                /* one past the last byte of the number */
    size_t int_start, int_end; /* integer part as written, commas included */
    int has_separators;        /* 1,367: digits are in `separated` */
    char separated[CARDINAL_MAX_DIGITS + 1];
    size_t separated_len;
    size_t frac_start, frac_end; /* after the '.': digits and further ".digits" */
};

static size_t scan_digits(const char *s, size_t len, size_t i)
{
    while (i < len && is_digit(s[i]))
        i++;
    return i;
}

static int all_zeros(const char *d, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (d[k] != '0') return 0;
    return 1;
}

/* Value of n digits, or -1 when there are more than 9. */
static long digits_value(const char *d, size_t n)
{
    long v = 0;
    if (n > 9) return -1;
    for (size_t k = 0; k < n; k++)
        v = v * 10 + (d[k] - '0');
    return v;
}

/* Reads thousands separators after a first group of 1..3 digits at [i, j):
 * ",ddd" repeated, each comma followed by exactly 3 digits. */
static void parse_separators(const char *s, size_t len, size_t i, size_t j, struct number *num)
{
    size_t k = j, count = j - i;
    if (count > 3) return;
    memcpy(num->separated, s + i, count);
    while (k < len && s[k] == ',' && len - k >= 4 && is_digit(s[k + 1]) && is_digit(s[k + 2]) &&
           is_digit(s[k + 3]) && !digit_at(s, len, k + 4) && count + 3 <= CARDINAL_MAX_DIGITS) {
        memcpy(num->separated + count, s + k + 1, 3);
        count += 3;
        k += 4;
    }
    if (k == j) return;
    num->has_separators = 1;
    num->separated_len = count;
    num->int_end = k;
}

static void parse_number(const char *s, size_t len, size_t i, struct number *num)
{
    memset(num, 0, sizeof *num);
    num->int_start = i;
    num->int_end = scan_digits(s, len, i);
    parse_separators(s, len, i, num->int_end, num);
    size_t j = num->int_end;
    num->frac_start = num->frac_end = j;
    if (j < len && s[j] == '.' && digit_at(s, len, j + 1)) {
        num->frac_start = j + 1;
        j = scan_digits(s, len, j + 1);
        while (j < len && s[j] == '.' && digit_at(s, len, j + 1))
            j = scan_digits(s, len, j + 1);
        num->frac_end = j;
    }
    num->end = j;
}

static const char *number_digits(const char *s, const struct number *num, size_t *n)
{
    if (num->has_separators) {
        *n = num->separated_len;
        return num->separated;
    }
    *n = num->int_end - num->int_start;
    return s + num->int_start;
}

static int has_fraction(const struct number *num)
{
    return num->frac_end > num->frac_start;
}

/* Codes, IDs, phone numbers: a leading zero, 11 or 12 bare digits (unless they end
 * in 5 or more zeros, like 100000000000 = 一千亿), or too long for 亿. */
static int is_digit_string(const char *s, const struct number *num)
{
    size_t n, zeros = 0;
    const char *d = number_digits(s, num, &n);
    if (n > CARDINAL_MAX_DIGITS) return 1;
    if (num->has_separators) return 0;
    if (n > 1 && d[0] == '0') return 1;
    while (zeros < n && d[n - 1 - zeros] == '0')
        zeros++;
    return n >= 11 && zeros < 5;
}

static int is_bare_two(const char *s, const struct number *num)
{
    size_t n;
    const char *d = number_digits(s, num, &n);
    return n == 1 && d[0] == '2';
}

/* ------------------------------------------------------------ context words */

enum prefix_context {
    PRE_NONE,
    PRE_ORDINAL,    /* 第 2, 星期 3 */
    PRE_APOSTROPHE, /* '98 */
    PRE_CURRENCY    /* $5 */
};

enum suffix_class {
    SUF_NONE,
    SUF_YEAR,       /* 年, 年代 */
    SUF_GENERATION, /* 后 (90后) */
    SUF_NAME,       /* 月 日 号 ...: 二, not 两 */
    SUF_MEASURE,    /* 个 次 ...: 两 */
    SUF_APPROX,     /* 多 余 来 几: a count goes on (2000多人) */
    SUF_PERCENT,
    SUF_PERMILLE,
    SUF_DEGREE,
    SUF_CELSIUS,
    SUF_FAHRENHEIT
};

struct suffix_word {
    const char *text;
    enum suffix_class cls;
};

/* Longest match wins, so 年级 beats 年 and 分钟 beats 分. */
static const struct suffix_word suffix_words[] = {
    {"年代", SUF_YEAR},    {"年级", SUF_NAME},    {"年", SUF_YEAR},      {"后", SUF_GENERATION},
    {"月", SUF_NAME},      {"日", SUF_NAME},      {"号", SUF_NAME},      {"楼", SUF_NAME},
    {"级", SUF_NAME},      {"代", SUF_NAME},      {"期", SUF_NAME},      {"班", SUF_NAME},
    {"版", SUF_NAME},      {"个", SUF_MEASURE},   {"位", SUF_MEASURE},   {"名", SUF_MEASURE},
    {"人", SUF_MEASURE},   {"口", SUF_MEASURE},   {"户", SUF_MEASURE},   {"次", SUF_MEASURE},
    {"回", SUF_MEASURE},   {"遍", SUF_MEASURE},   {"趟", SUF_MEASURE},   {"下", SUF_MEASURE},
    {"种", SUF_MEASURE},   {"类", SUF_MEASURE},   {"样", SUF_MEASURE},   {"项", SUF_MEASURE},
    {"件", SUF_MEASURE},   {"条", SUF_MEASURE},   {"只", SUF_MEASURE},   {"头", SUF_MEASURE},
    {"匹", SUF_MEASURE},   {"台", SUF_MEASURE},   {"部", SUF_MEASURE},   {"辆", SUF_MEASURE},
    {"架", SUF_MEASURE},   {"艘", SUF_MEASURE},   {"家", SUF_MEASURE},   {"所", SUF_MEASURE},
    {"座", SUF_MEASURE},   {"栋", SUF_MEASURE},   {"间", SUF_MEASURE},   {"层", SUF_MEASURE},
    {"本", SUF_MEASURE},   {"张", SUF_MEASURE},   {"页", SUF_MEASURE},   {"篇", SUF_MEASURE},
    {"章", SUF_MEASURE},   {"节", SUF_MEASURE},   {"段", SUF_MEASURE},   {"句", SUF_MEASURE},
    {"行", SUF_MEASURE},   {"字", SUF_MEASURE},   {"份", SUF_MEASURE},   {"套", SUF_MEASURE},
    {"组", SUF_MEASURE},   {"对", SUF_MEASURE},   {"双", SUF_MEASURE},   {"批", SUF_MEASURE},
    {"支", SUF_MEASURE},   {"根", SUF_MEASURE},   {"片", SUF_MEASURE},   {"块", SUF_MEASURE},
    {"颗", SUF_MEASURE},   {"粒", SUF_MEASURE},   {"把", SUF_MEASURE},   {"杯", SUF_MEASURE},
    {"瓶", SUF_MEASURE},   {"天", SUF_MEASURE},   {"周", SUF_MEASURE},   {"星期", SUF_MEASURE},
    {"小时", SUF_MEASURE}, {"钟头", SUF_MEASURE}, {"分钟", SUF_MEASURE}, {"分", SUF_MEASURE},
    {"秒", SUF_MEASURE},   {"秒钟", SUF_MEASURE}, {"毫秒", SUF_MEASURE}, {"岁", SUF_MEASURE},
    {"倍", SUF_MEASURE},   {"成", SUF_MEASURE},   {"点", SUF_MEASURE},   {"轮", SUF_MEASURE},
    {"场", SUF_MEASURE},   {"届", SUF_MEASURE},   {"步", SUF_MEASURE},   {"笔", SUF_MEASURE},
    {"元", SUF_MEASURE},   {"角", SUF_MEASURE},   {"毛", SUF_MEASURE},   {"美元", SUF_MEASURE},
    {"欧元", SUF_MEASURE}, {"英镑", SUF_MEASURE}, {"亿", SUF_MEASURE},   {"万", SUF_MEASURE},
    {"千", SUF_MEASURE},   {"百", SUF_MEASURE},   {"米", SUF_MEASURE},   {"公里", SUF_MEASURE},
    {"千米", SUF_MEASURE}, {"厘米", SUF_MEASURE}, {"毫米", SUF_MEASURE}, {"公斤", SUF_MEASURE},
    {"千克", SUF_MEASURE}, {"斤", SUF_MEASURE},   {"克", SUF_MEASURE},   {"吨", SUF_MEASURE},
    {"升", SUF_MEASURE},   {"度", SUF_MEASURE},   {"集", SUF_MEASURE},   {"款", SUF_MEASURE},
    {"门", SUF_MEASURE},   {"首", SUF_MEASURE},   {"幅", SUF_MEASURE},   {"封", SUF_MEASURE},
    {"道", SUF_MEASURE},   {"声", SUF_MEASURE},   {"票", SUF_MEASURE},   {"方面", SUF_MEASURE},
    {"大", SUF_MEASURE},   {"国", SUF_MEASURE},   {"者", SUF_MEASURE},   {"多", SUF_APPROX},
    {"余", SUF_APPROX},    {"来", SUF_APPROX},    {"几", SUF_APPROX}};

/* What follows a number.  resume: where the caller goes on; after a symbol the
 * number consumed (%, ℃), at a word it did not (年, 个), so spaces before a word
 * are dropped. */
struct suffix {
    enum suffix_class cls;
    size_t resume;
};

static struct suffix classify_suffix(const char *s, size_t len, size_t pos)
{
    struct suffix r = {SUF_NONE, pos};
    size_t k = skip_blanks(s, len, pos), best = 0;
    if (k >= len) return r;
    if (s[k] == '%') return (struct suffix){SUF_PERCENT, k + 1};
    if (starts_with(s, len, k, "‰")) return (struct suffix){SUF_PERMILLE, k + 3};
    if (starts_with(s, len, k, "℃")) return (struct suffix){SUF_CELSIUS, k + 3};
    if (starts_with(s, len, k, "°")) {
        if (k + 2 < len && s[k + 2] == 'C') return (struct suffix){SUF_CELSIUS, k + 3};
        if (k + 2 < len && s[k + 2] == 'F') return (struct suffix){SUF_FAHRENHEIT, k + 3};
        return (struct suffix){SUF_DEGREE, k + 2};
    }
    for (size_t w = 0; w < sizeof suffix_words / sizeof suffix_words[0]; w++) {
        size_t n = strlen(suffix_words[w].text);
        if (n > best && starts_with(s, len, k, suffix_words[w].text)) {
            best = n;
            r = (struct suffix){suffix_words[w].cls, k};
        }
    }
    return r;
}

static enum prefix_context prefix_context(const char *s, size_t i)
{
    size_t p = skip_blanks_back(s, i);
    if (p >= 3 && memcmp(s + p - 3, "第", 3) == 0) return PRE_ORDINAL;
    if (p >= 6 && (memcmp(s + p - 6, "星期", 6) == 0 || memcmp(s + p - 6, "礼拜", 6) == 0))
        return PRE_ORDINAL;
    return PRE_NONE;
}

/* -------------------------------------------------------- reading a number */

/* A plain 4-digit integer from `first` to 2099. */
static int is_year_number(const char *d, size_t n, const struct number *num, long first)
{
    long value = digits_value(d, n);
    return n == 4 && !num->has_separators && !has_fraction(num) && value >= first && value <= 2099;
}

/* A bare 1900..2099 that is not a round hundred and has nothing after it that makes
 * it a count is taken for a year: "2025最大AI赢家" -> 二零二五. */
static int is_bare_year(const char *d, size_t n, const struct number *num)
{
    return is_year_number(d, n, num, 1900) && digits_value(d, n) % 100 != 0;
}

enum reading {
    READ_DIGITS,       /* digit by digit: years, codes */
    READ_PLAIN,        /* cardinal, 二: ordinals, dates, names */
    READ_COUNT,        /* cardinal, 两 before 百/千/万/亿, but a bare 2 is 二 */
    READ_COUNT_MEASURE /* cardinal, 两 also for a bare 2: before a measure word */
};

static enum reading choose_reading(const char *s, const struct number *num, enum suffix_class suffix,
                                   enum prefix_context prefix)
{
    size_t n;
    const char *d = number_digits(s, num, &n);
    if (prefix == PRE_ORDINAL) return READ_PLAIN;
    if (prefix == PRE_APOSTROPHE && n == 2 && !has_fraction(num)) return READ_DIGITS;
    if (prefix == PRE_CURRENCY) return READ_COUNT_MEASURE;
    switch (suffix) {
    case SUF_YEAR: /* 2010年 is a year, 10年 / 5000年 a count of years */
        return is_year_number(d, n, num, 1000) ? READ_DIGITS : READ_COUNT_MEASURE;
    case SUF_GENERATION:
        return n == 2 && !has_fraction(num) ? READ_DIGITS : READ_COUNT;
    case SUF_NAME:
        return READ_PLAIN;
    case SUF_MEASURE:
    case SUF_DEGREE:
    case SUF_CELSIUS:
    case SUF_FAHRENHEIT:
        return READ_COUNT_MEASURE;
    case SUF_NONE:
        return is_bare_year(d, n, num) ? READ_DIGITS : READ_COUNT;
    case SUF_APPROX:
    case SUF_PERCENT:
    case SUF_PERMILLE:
        break;
    }
    return READ_COUNT;
}

/* The fraction after 点, digit by digit; a further '.' (version numbers) is 点 too. */
static void say_fraction_digits(const char *s, const struct number *num, struct strbuf *out)
{
    sb_adds(out, "点");
    for (size_t k = num->frac_start; k < num->frac_end; k++)
        sb_adds(out, is_digit(s[k]) ? han_digit[s[k] - '0'] : "点");
}

static void say_number(const char *s, const struct number *num, enum reading reading, struct strbuf *out)
{
    size_t n;
    const char *d = number_digits(s, num, &n);
    if (reading == READ_DIGITS || is_digit_string(s, num)) {
        zhnorm_digits(d, n, out);
    } else {
        int liang = reading == READ_COUNT || reading == READ_COUNT_MEASURE;
        if (is_bare_two(s, num) && (reading != READ_COUNT_MEASURE || has_fraction(num))) liang = 0;
        zhnorm_cardinal(d, n, liang, out);
    }
    if (has_fraction(num)) say_fraction_digits(s, num, out);
}

static void say_with_suffix(const char *s, const struct number *num, enum suffix_class suffix,
                            enum prefix_context prefix, struct strbuf *out)
{
    if (suffix == SUF_PERCENT) sb_adds(out, "百分之");
    if (suffix == SUF_PERMILLE) sb_adds(out, "千分之");
    say_number(s, num, choose_reading(s, num, suffix, prefix), out);
}

static void say_unit_symbol(enum suffix_class suffix, struct strbuf *out)
{
    if (suffix == SUF_DEGREE) sb_adds(out, "度");
    if (suffix == SUF_CELSIUS) sb_adds(out, "摄氏度");
    if (suffix == SUF_FAHRENHEIT) sb_adds(out, "华氏度");
}

/* ------------------------------------------------------ special number forms */
/* Each try_ function reads the form starting at the digit s[i] and returns the
 * position after it, or 0 (nothing written) when the text is not that form. */

/* 2024-03-15, 2024/3/15, 2024.3.15 -> 二零二四年三月十五日 */
static size_t try_date(const char *s, size_t len, size_t i, struct strbuf *out)
{
    size_t year_end = scan_digits(s, len, i);
    long year = digits_value(s + i, year_end - i);
    if (year_end - i != 4 || year < 1000 || year > 2099 || year_end >= len) return 0;
    char sep = s[year_end];
    if (sep != '-' && sep != '/' && sep != '.') return 0;
    size_t month_end = scan_digits(s, len, year_end + 1);
    size_t month_len = month_end - (year_end + 1);
    long month = digits_value(s + year_end + 1, month_len);
    if (month_len < 1 || month_len > 2 || month < 1 || month > 12) return 0;
    if (month_end >= len || s[month_end] != sep) return 0;
    size_t day_end = scan_digits(s, len, month_end + 1);
    size_t day_len = day_end - (month_end + 1);
    long day = digits_value(s + month_end + 1, day_len);
    if (day_len < 1 || day_len > 2 || day < 1 || day > 31) return 0;
    if (day_end < len && s[day_end] == sep && digit_at(s, len, day_end + 1)) return 0;
    zhnorm_digits(s + i, 4, out);
    sb_adds(out, "年");
    say_small(month, out);
    sb_adds(out, "月");
    say_small(day, out);
    sb_adds(out, "日");
    return day_end;
}

/* Minutes or seconds: 05 -> 零五, 30 -> 三十. */
static void say_clock_part(long value, const char *unit, struct strbuf *out)
{
    if (value < 10) sb_adds(out, "零");
    say_small(value, out);
    sb_adds(out, unit);
}

/* 10:30 -> 十点三十分, 2:05 -> 两点零五分, 10:00 -> 十点, 10:30:15 -> ...十五秒 */
static size_t try_time(const char *s, size_t len, size_t i, struct strbuf *out)
{
    size_t hour_end = scan_digits(s, len, i);
    long hour = digits_value(s + i, hour_end - i);
    if (hour_end - i > 2 || hour > 24 || hour_end >= len || s[hour_end] != ':') return 0;
    size_t minute_end = scan_digits(s, len, hour_end + 1);
    long minute = digits_value(s + hour_end + 1, minute_end - (hour_end + 1));
    if (minute_end - (hour_end + 1) != 2 || minute > 59) return 0;
    size_t end = minute_end;
    long second = 0;
    if (end < len && s[end] == ':') {
        size_t second_end = scan_digits(s, len, end + 1);
        if (second_end - (end + 1) == 2 && digits_value(s + end + 1, 2) <= 59) {
            second = digits_value(s + end + 1, 2);
            end = second_end;
        }
    }
    char hour_digits[24];
    int n = snprintf(hour_digits, sizeof hour_digits, "%ld", hour);
    zhnorm_cardinal(hour_digits, (size_t)n, 1, out); /* 两点 */
    sb_adds(out, "点");
    if (minute > 0 || second > 0) say_clock_part(minute, "分", out);
    if (second > 0) say_clock_part(second, "秒", out);
    return end;
}

/* 1/2 -> 二分之一.  Not part of a longer a/b/c. */
static size_t try_fraction(const char *s, size_t len, size_t i, struct strbuf *out)
{
    if (i >= 2 && s[i - 1] == '/' && is_digit(s[i - 2])) return 0;
    size_t top_end = scan_digits(s, len, i);
    if (top_end >= len || s[top_end] != '/' || !digit_at(s, len, top_end + 1)) return 0;
    size_t bottom_end = scan_digits(s, len, top_end + 1);
    if (bottom_end < len && (s[bottom_end] == '/' || s[bottom_end] == '.' || s[bottom_end] == ','))
        if (digit_at(s, len, bottom_end + 1)) return 0;
    struct number top, bottom;
    parse_number(s, top_end, i, &top);
    parse_number(s, bottom_end, top_end + 1, &bottom);
    if (is_digit_string(s, &top) || is_digit_string(s, &bottom)) return 0;
    size_t bottom_len = bottom_end - (top_end + 1);
    if (all_zeros(s + top_end + 1, bottom_len)) return 0; /* x/0 */
    zhnorm_cardinal(s + top_end + 1, bottom_len, 0, out);
    sb_adds(out, "分之");
    zhnorm_cardinal(s + i, top_end - i, 0, out);
    return bottom_end;
}

/* 3:1 -> 三比 (the main loop goes on with the 1).  Tried after try_time. */
static size_t try_ratio(const char *s, size_t len, const struct number *num, struct strbuf *out)
{
    size_t j = num->end;
    if (has_fraction(num) || j >= len || s[j] != ':' || !digit_at(s, len, j + 1)) return 0;
    say_number(s, num, READ_PLAIN, out);
    sb_adds(out, "比");
    return j + 1;
}

/* The connector between the two numbers of a range. */
struct range_link {
    size_t second;    /* position of the second number's first digit, 0 if no range */
    const char *word; /* 到 or 至 */
};

static struct range_link find_range(const char *s, size_t len, size_t pos)
{
    static const char *const dashes[] = {"——", "—", "–", "−", "〜", "～", "-", "~"};
    struct range_link link = {0, "到"};
    size_t k = skip_blanks(s, len, pos), width = 0;
    for (size_t d = 0; d < sizeof dashes / sizeof dashes[0] && !width; d++)
        if (starts_with(s, len, k, dashes[d])) width = strlen(dashes[d]);
    if (!width && starts_with(s, len, k, "到")) width = 3;
    if (!width && starts_with(s, len, k, "至")) width = 3, link.word = "至";
    if (!width) return link;
    size_t next = skip_blanks(s, len, k + width);
    if (digit_at(s, len, next)) link.second = next;
    return link;
}

/* Converts the number starting at the digit s[i] together with its range partner
 * and suffix symbol; returns where the main loop goes on. */
static size_t convert_number(const char *s, size_t len, size_t i, enum prefix_context prefix,
                             struct strbuf *out)
{
    size_t end;
    if (prefix == PRE_NONE || prefix == PRE_ORDINAL) {
        if ((end = try_date(s, len, i, out)) || (end = try_time(s, len, i, out)) ||
            (end = try_fraction(s, len, i, out)))
            return end;
    }
    struct number first, second;
    parse_number(s, len, i, &first);
    if ((end = try_ratio(s, len, &first, out))) return end;
    struct range_link link = find_range(s, len, first.end);
    size_t last_end = first.end;
    if (link.second) {
        parse_number(s, len, link.second, &second);
        last_end = second.end;
    }
    struct suffix suffix = classify_suffix(s, len, last_end);
    say_with_suffix(s, &first, suffix.cls, prefix, out);
    if (link.second) {
        sb_adds(out, link.word);
        say_with_suffix(s, &second, suffix.cls, prefix, out);
    }
    say_unit_symbol(suffix.cls, out);
    return suffix.resume;
}

/* ---------------------------------------------------------------- main loop */

/* Is there a converted number just before i (spaces skipped)? */
static int number_before(const char *s, size_t i)
{
    return ends_number(cp_before(s, skip_blanks_back(s, i)));
}

/* Does a number (maybe negative) start at i (spaces skipped)? */
static int number_after(const char *s, size_t len, size_t i)
{
    size_t k = skip_blanks(s, len, i);
    if (digit_at(s, len, k)) return 1;
    if (k < len && s[k] == '-') return digit_at(s, len, k + 1);
    if (starts_with(s, len, k, "−")) return digit_at(s, len, k + 3);
    return 0;
}

static size_t copy_char(const char *s, size_t i, size_t width, struct strbuf *out)
{
    sb_add(out, s + i, width);
    return i + width;
}

/* A run of whitespace: dropped between a number and a Han character or operator,
 * otherwise one space per character. */
static size_t handle_spaces(const char *s, size_t len, size_t i, struct strbuf *out)
{
    size_t j = i, n;
    while (j < len && (n = space_len(s, len, j)) > 0)
        j += n;
    uint32_t left = cp_before(s, i), right = cp_at(s, len, j);
    int left_number = ends_number(left), right_number = right >= '0' && right <= '9';
    int left_word = is_han(left) || is_operator(left);
    int right_word = is_han(right) || is_operator(right);
    if ((left_number && right_word) || (right_number && left_word)) return j;
    for (size_t k = i; k < j; k += space_len(s, len, k))
        sb_addc(out, ' ');
    return j;
}

/* - − ~ – — 〜 ～: 到 between numbers, 负 before one (minus signs only), else fallback
 * (NULL: copy the character). */
static size_t handle_dash(const char *s, size_t len, size_t i, size_t width, int is_minus,
                          const char *fallback, struct strbuf *out)
{
    if (number_before(s, i) && number_after(s, len, i + width)) {
        sb_adds(out, "到");
        return i + width;
    }
    uint32_t before = cp_before(s, i);
    if (is_minus && digit_at(s, len, i + width) && before != '_' &&
        !(before < 0x80 && (is_ascii_alpha(before) || is_digit((char)before)))) {
        sb_adds(out, "负");
        return i + width;
    }
    if (!fallback) return copy_char(s, i, width, out);
    sb_adds(out, fallback);
    return i + width;
}

/* + × ÷: a word between numbers, otherwise a space. */
static size_t handle_operator(const char *s, size_t len, size_t i, size_t width, const char *word,
                              struct strbuf *out)
{
    int between = number_before(s, i) && number_after(s, len, i + width);
    sb_adds(out, between ? word : " ");
    return i + width;
}

/* $5 -> 五美元, ¥2.5亿 -> 二点五亿元. */
static size_t handle_currency(const char *s, size_t len, size_t i, size_t width, const char *unit,
                              struct strbuf *out)
{
    if (!digit_at(s, len, i + width)) {
        sb_addc(out, ' ');
        return i + width;
    }
    size_t j = convert_number(s, len, i + width, PRE_CURRENCY, out);
    while (starts_with(s, len, j, "万") || starts_with(s, len, j, "亿") || starts_with(s, len, j, "千") ||
           starts_with(s, len, j, "百"))
        j = copy_char(s, j, 3, out); /* all three bytes long */
    sb_adds(out, unit);
    return j;
}

/* '98 or ’98: a year before exactly two digits; otherwise fallback. */
static size_t handle_apostrophe(const char *s, size_t len, size_t i, size_t width, const char *fallback,
                                struct strbuf *out)
{
    if (scan_digits(s, len, i + width) - (i + width) == 2)
        return convert_number(s, len, i + width, PRE_APOSTROPHE, out);
    if (!fallback) return copy_char(s, i, width, out);
    sb_adds(out, fallback);
    return i + width;
}

static size_t handle_ascii(const char *s, size_t len, size_t i, struct strbuf *out)
{
    char c = s[i];
    switch (c) {
    case '-':
        return handle_dash(s, len, i, 1, 1, " ", out);
    case '~':
        return handle_dash(s, len, i, 1, 0, " ", out);
    case '+':
        return handle_operator(s, len, i, 1, "加", out);
    case '=':
        sb_adds(out, "等于");
        return i + 1;
    case '&':
        sb_adds(out, "和");
        return i + 1;
    case '$':
        return handle_currency(s, len, i, 1, "美元", out);
    case '\'':
        return handle_apostrophe(s, len, i, 1, " ", out);
    case ',':
    case '.':
    case '?':
    case '!':
    case ':':
    case ';':
    case '(':
    case ')':
        return copy_char(s, i, 1, out);
    default:
        if (is_ascii_alpha((unsigned char)c)) return copy_char(s, i, 1, out);
        sb_addc(out, ' '); /* % @ # * _ | ^ ` \ / " < > [ ] { } */
        return i + 1;
    }
}

static size_t handle_other(const char *s, size_t len, size_t i, struct strbuf *out)
{
    uint32_t cp;
    size_t width = utf8_decode(s, len, i, &cp);
    int enclosed = enclosed_number_value(cp);
    if (enclosed >= 0) {
        say_small(enclosed, out);
        return i + width;
    }
    if (is_dropped(cp)) return i + width;
    switch (cp) {
    case CP_MINUS_SIGN:
        return handle_dash(s, len, i, width, 1, " ", out);
    case CP_EN_DASH:
    case CP_EM_DASH:
    case CP_WAVE_DASH:
    case CP_FULLWIDTH_TILDE:
        return handle_dash(s, len, i, width, 0, NULL, out);
    case CP_TIMES:
        return handle_operator(s, len, i, width, "乘", out);
    case CP_DIVIDE:
        return handle_operator(s, len, i, width, "除以", out);
    case CP_YEN:
    case CP_FULLWIDTH_YEN:
        return handle_currency(s, len, i, width, "元", out);
    case CP_EURO:
        return handle_currency(s, len, i, width, "欧元", out);
    case CP_POUND:
        return handle_currency(s, len, i, width, "英镑", out);
    case CP_RIGHT_QUOTE:
        return handle_apostrophe(s, len, i, width, NULL, out);
    default:
        break;
    }
    if (is_spoken_as_space(cp)) {
        sb_addc(out, ' ');
        return i + width;
    }
    return copy_char(s, i, width, out);
}

void zhnorm_normalize(const char *in, size_t len, struct strbuf *out)
{
    struct strbuf folded;
    sb_init(&folded);
    fold(in, len, 1, &folded);
    const char *s = sb_cstr(&folded);
    size_t n = folded.len, i = 0;
    while (i < n) {
        if (is_digit(s[i]))
            i = convert_number(s, n, i, prefix_context(s, i), out);
        else if (space_len(s, n, i))
            i = handle_spaces(s, n, i, out);
        else if ((unsigned char)s[i] < 0x80)
            i = handle_ascii(s, n, i, out);
        else
            i = handle_other(s, n, i, out);
    }
    sb_cstr(out); /* NUL-terminated even when nothing was appended */
    sb_free(&folded);
}
