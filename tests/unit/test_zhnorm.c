/* test_zhnorm.c: unit tests for the Chinese text normaliser (src/zhnorm.c).
 * One TEST_CASE per rule, a table of real and made-up sentences, and property
 * tests: no ASCII digit and only valid UTF-8 ever comes out. */
#include "check.h"
#include "speech/zhnorm.h"

#include <stdint.h>

/* Each helper returns its result in last_result, freed by the next call (one result is
 * alive at a time, which is all CHECK_STR needs). */
static char *last_result;

static const char *keep_result(struct strbuf *sb)
{
    free(last_result);
    last_result = sb_detach(sb);
    return last_result;
}

static const char *norm(const char *in)
{
    struct strbuf sb;
    sb_init(&sb);
    zhnorm_normalize(in, strlen(in), &sb);
    return keep_result(&sb);
}

static const char *fold(const char *in)
{
    struct strbuf sb;
    sb_init(&sb);
    zhnorm_fold_width(in, strlen(in), &sb);
    return keep_result(&sb);
}

static const char *cardinal(const char *digits, int use_liang)
{
    struct strbuf sb;
    sb_init(&sb);
    zhnorm_cardinal(digits, strlen(digits), use_liang, &sb);
    return keep_result(&sb);
}

static const char *digits(const char *d)
{
    struct strbuf sb;
    sb_init(&sb);
    zhnorm_digits(d, strlen(d), &sb);
    return keep_result(&sb);
}

static int has_ascii_digit(const char *s, size_t n)
{
    for (size_t k = 0; k < n; k++)
        if (s[k] >= '0' && s[k] <= '9') return 1;
    return 0;
}

/* Strict UTF-8 check (no overlongs, no surrogates, nothing above U+10FFFF). */
static int is_valid_utf8(const char *str, size_t n)
{
    const unsigned char *s = (const unsigned char *)str;
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        size_t len;
        uint32_t cp;
        if (c < 0x80)
            len = 1, cp = c;
        else if (c >= 0xC2 && c <= 0xDF)
            len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF)
            len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4)
            len = 4, cp = c & 0x07;
        else
            return 0;
        if (n - i < len) return 0;
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return 0;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
            (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        i += len;
    }
    return 1;
}

/* xorshift32: deterministic pseudo-random numbers for the property tests. */
static uint32_t rng_state = 0x2545F491u;
static uint32_t rng(void)
{
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 17;
    rng_state ^= rng_state << 5;
    return rng_state;
}

struct example {
    const char *in;
    const char *want;
};

/* Input -> exact expected output.  The first rows are sentences from the interview
 * transcript (transcripts/dwarkesh-hassabis-2024.zh.txt). */
static const struct example table[] = {
    {"顾一下过去大约 10-20 年，至少", "顾一下过去大约十到二十年，至少"},
    {"在 2010 年，没人考", "在二零一零年，没人考"},
    {"认为模态结果是 2028 年。", "认为模态结果是二零二八年。"},
    {"比如 2009 年的", "比如二零零九年的"},
    {"我们在 2014 年与谷歌联", "我们在二零一四年与谷歌联"},
    {"你在2007年发表了一篇", "你在二零零七年发表了一篇"},
    {"将在未来 10 到 20 年内", "将在未来十到二十年内"},
    {"自己已经思考了 30 多年。", "自己已经思考了三十多年。"},
    {"1,367次阅读", "一千三百六十七次阅读"},
    {"2024 年 3 月", "二零二四年三月"},
    {"联系我们(ID:15937102830)。", "联系我们(ID:一五九三七一零二八三零)。"},
    {"思考了 30 年", "思考了三十年"},
    {"我们早在 20 年前就在思", "我们早在二十年前就在思"},
    {"把它看作是一个 20 年的项目。", "把它看作是一个二十年的项目。"},
    {"如果你回到2010年当你刚开始", "如果你回到二零一零年当你刚开始"},
    {"就像你在 2016 年的一篇论", "就像你在二零一六年的一篇论"},
    {"记住我们100次对话前", "记住我们一百次对话前"},
    {"未来一年、18个月内的下一", "未来一年、十八个月内的下一"},
    {"够稳定处理高达 100 万 ", "够稳定处理高达一百万 "},
    {"相当于1小时的视频和", "相当于一小时的视频和"},
    {"超过 3 万行代码", "超过三万行代码"},
    {"且极限为1000万 ", "且极限为一千万 "},
    {"超过300家国内外", "超过三百家国内外"},
    {"1、AI 行业", "一、AI 行业"},
    {"2025最大AI赢家", "二零二五最大AI赢家"},
    {"细公开 2026-01-08 20:18", "细公开二零二六年一月八日 二十点十八分"},
    {"模型 1.0 Ultra", "模型一点零 Ultra"},
    /* made-up rows, one or more per rule */
    {"0", "零"},
    {"7", "七"},
    {"10", "十"},
    {"11", "十一"},
    {"19", "十九"},
    {"20", "二十"},
    {"99", "九十九"},
    {"100", "一百"},
    {"105", "一百零五"},
    {"1000", "一千"},
    {"1010", "一千零一十"},
    {"1100", "一千一百"},
    {"9999", "九千九百九十九"},
    {"10001", "一万零一"},
    {"11000", "一万一千"},
    {"100100", "十万零一百"},
    {"1000000000", "十亿"},
    {"100000001", "一亿零一"},
    {"100010000", "一亿零一万"},
    {"2200", "两千二百"},
    {"220000", "二十二万"},
    {"2万", "两万"},
    {"200万", "两百万"},
    {"2倍", "两倍"},
    {"2 岁", "两岁"},
    {"2小时", "两小时"},
    {"2分钟", "两分钟"},
    {"2年", "两年"},
    {"12个", "十二个"},
    {"第2个", "第二个"},
    {"第10名", "第十名"},
    {"第 3 章", "第三章"},
    {"2号", "二号"},
    {"12月25日", "十二月二十五日"},
    {"2年级", "二年级"},
    {"1990年代", "一九九零年代"},
    {"500年", "五百年"},
    {"5000年", "五千年"},
    {"2.5万", "二点五万"},
    {"200.5", "两百点五"},
    {"3.14159", "三点一四一五九"},
    {"2.0.1", "二点零点一"},
    {"增长了 50 %", "增长了百分之五十"},
    {"2%", "百分之二"},
    {"200%", "百分之两百"},
    {"5‰", "千分之五"},
    {"10%-20%", "百分之十到百分之二十"},
    {"10-20%", "百分之十到百分之二十"},
    {"2/3", "三分之二"},
    {"1/100", "一百分之一"},
    {"2-3个", "两到三个"},
    {"3-5月", "三到五月"},
    {"从2010到2020年", "从二零一零到二零二零年"},
    {"10至20", "十至二十"},
    {"10——20", "十到二十"},
    {"10 ~ 20", "十到二十"},
    {"-5", "负五"},
    {"下降 -5%", "下降 负百分之五"},
    {"，-2", "，负二"},
    {"1,000,000", "一百万"},
    {"2,000个", "两千个"},
    {"1,234.5", "一千二百三十四点五"},
    {"1,2,3", "一,二,三"},
    {"1,2345", "一,两千三百四十五"},
    {"12345678901234", "一二三四五六七八九零一二三四"},
    {"00后", "零零后"},
    {"0.05", "零点零五"},
    {"2:00", "两点"},
    {"9:05:30", "九点零五分三十秒"},
    {"10:00-12:00", "十点到十二点"},
    {"16:9", "十六比九"},
    {"3:1", "三比一"},
    {"1+1=2", "一加一等于二"},
    {"3 × 4", "三乘四"},
    {"8÷2", "八除以二"},
    {"研发&设计", "研发和设计"},
    {"$5", "五美元"},
    {"$2", "两美元"},
    {"¥100万", "一百万元"},
    {"37.5℃", "三十七点五摄氏度"},
    {"30°", "三十度"},
    {"-5°C", "负五摄氏度"},
    {"95后", "九五后"},
    {"’98年", "九八年"},
    {"①", "一"},
    {"⑳", "二十"},
    {"１２３", "一百二十三"},
    {"５０％", "百分之五十"},
    {"第１", "第一"},
    {"礼拜2", "礼拜二"},
    {"３．５％", "百分之三点五"},
    {"在2010当时", "在二零一零当时"},
    {"2000多人", "两千多人"},
    {"2025个", "两千零二十五个"},
};

static void test_table(void)
{
    TEST_CASE("zhnorm: table of sentences and numbers")
    {
        size_t rows = sizeof table / sizeof table[0];
        CHECK(rows >= 60);
        for (size_t k = 0; k < rows; k++)
            CHECK_STR(norm(table[k].in), table[k].want);
    }
}

/* Random strings built from pieces that stress the number rules. */
static void test_no_digit_property(void)
{
    /* clang-format off */
    static const char *const pieces[] = {
        "0", "1", "2", "3", "5", "9", "00", "10", "12", "2010", "2024", "99", "100", "%", "％", "‰",
        "/", "-", "−", "—", "——", "–", "~", "～", "〜", ".", ",", "，", ":", "：", "'", "’", "+", "=",
        "×", "÷", "$", "¥", "€", "£", "°", "℃", "°C", " ", "  ", "\t", "\n", "年", "月", "日", "号",
        "个", "万", "亿", "第", "星期", "后", "年代", "到", "至", "点", "、", "。", "a", "Z", "😀", "\xEF\xB8\x8F",
        "\xE2\x80\x8D", "①", "０", "９", "\xE3\x80\x80", "\xC2\xA0", "@", "#", "*", "&", "(", ")",
        "\x01", "\x7F"};
    /* clang-format on */
    size_t npieces = sizeof pieces / sizeof pieces[0];
    TEST_CASE("zhnorm: no ASCII digit survives (20000 random strings from pieces)")
    {
        for (int round = 0; round < 20000 && !check_case_failed; round++) {
            struct strbuf in, out;
            sb_init(&in);
            sb_init(&out);
            size_t count = rng() % 24;
            for (size_t k = 0; k < count; k++)
                sb_adds(&in, pieces[rng() % npieces]);
            zhnorm_normalize(sb_cstr(&in), in.len, &out);
            if (has_ascii_digit(out.data ? out.data : "", out.len))
                CHECK_FAIL_("digit left in \"%s\" -> \"%s\"", sb_cstr(&in), sb_cstr(&out));
            if (!is_valid_utf8(sb_cstr(&out), out.len))
                CHECK_FAIL_("invalid UTF-8 from \"%s\"", sb_cstr(&in));
            sb_free(&in);
            sb_free(&out);
        }
    }
    TEST_CASE("zhnorm: no ASCII digit survives (5000 random byte strings)")
    {
        for (int round = 0; round < 5000 && !check_case_failed; round++) {
            char in[64];
            size_t count = rng() % sizeof in;
            for (size_t k = 0; k < count; k++) {
                uint32_t r = rng();
                /* mostly digits and ASCII symbols, sometimes any byte */
                static const char symbols[] = "0123456789%/-.,:~ +='$";
                in[k] = r % 4 == 0 ? (char)(r >> 8) : symbols[(r >> 8) % (sizeof symbols - 1)];
            }
            struct strbuf out;
            sb_init(&out);
            zhnorm_normalize(in, count, &out);
            if (has_ascii_digit(out.data ? out.data : "", out.len))
                CHECK_FAIL_("digit left in output \"%s\"", sb_cstr(&out));
            if (!is_valid_utf8(sb_cstr(&out), out.len)) CHECK_FAIL_("invalid UTF-8 in output");
            sb_free(&out);
        }
    }
    TEST_CASE("zhnorm: every number up to 100000 and long runs are written out")
    {
        char buf[64];
        for (long v = 0; v <= 100000 && !check_case_failed; v++) {
            snprintf(buf, sizeof buf, "%ld", v);
            const char *got = norm(buf);
            if (has_ascii_digit(got, strlen(got)) || !*got) CHECK_FAIL_("%s -> \"%s\"", buf, got);
        }
        char run[400];
        memset(run, '7', sizeof run - 1);
        run[sizeof run - 1] = '\0';
        const char *got = norm(run);
        CHECK(!has_ascii_digit(got, strlen(got)));
        CHECK_INT(strlen(got), 3 * (sizeof run - 1)); /* digit by digit */
    }
}

int main(void)
{
    TEST_CASE("zhnorm: fold full-width ASCII and wide spaces")
    {
        CHECK_STR(fold("ＡＢＣ１２３！％～"), "ABC123!%~");
        CHECK_STR(fold("中\xE3\x80\x80文\xC2\xA0好"), "中 文 好");
        CHECK_STR(fold("中文，。"), "中文,。"); /* ， is U+FF0C; 。 is not full-width ASCII */
        CHECK_STR(fold(""), "");
    }
    TEST_CASE("zhnorm: digits one by one with 一")
    {
        CHECK_STR(digits("2010"), "二零一零");
        CHECK_STR(digits("0123456789"), "零一二三四五六七八九");
        CHECK_STR(digits("1-2"), "一二");
    }
    TEST_CASE("zhnorm: cardinal basics")
    {
        CHECK_STR(cardinal("0", 0), "零");
        CHECK_STR(cardinal("10", 0), "十");
        CHECK_STR(cardinal("12", 0), "十二");
        CHECK_STR(cardinal("110", 0), "一百一十");
        CHECK_STR(cardinal("10000", 0), "一万");
        CHECK_STR(cardinal("100000", 0), "十万");
        CHECK_STR(cardinal("1000000", 0), "一百万");
        CHECK_STR(cardinal("100000000", 0), "一亿");
        CHECK_STR(cardinal("999999999999", 0), "九千九百九十九亿九千九百九十九万九千九百九十九");
        CHECK_STR(cardinal("007", 0), "七");
        CHECK_STR(cardinal("", 0), "");
        CHECK_STR(cardinal("1234567890123", 0), "一二三四五六七八九零一二三"); /* > 12 digits */
    }
    TEST_CASE("zhnorm: cardinal 零 placement")
    {
        CHECK_STR(cardinal("101", 0), "一百零一");
        CHECK_STR(cardinal("1001", 0), "一千零一");
        CHECK_STR(cardinal("10010", 0), "一万零一十");
        CHECK_STR(cardinal("1005000", 0), "一百万五千");
        CHECK_STR(cardinal("1050000", 0), "一百零五万");
        CHECK_STR(cardinal("120000000", 0), "一亿二千万");
        CHECK_STR(cardinal("100000001", 0), "一亿零一");
        CHECK_STR(cardinal("100100100", 0), "一亿零一十万零一百");
    }
    TEST_CASE("zhnorm: cardinal 两 only for the leading 2 before 百/千/万/亿")
    {
        CHECK_STR(cardinal("2", 1), "两");
        CHECK_STR(cardinal("2", 0), "二");
        CHECK_STR(cardinal("200", 1), "两百");
        CHECK_STR(cardinal("2000", 1), "两千");
        CHECK_STR(cardinal("20000", 1), "两万");
        CHECK_STR(cardinal("200000000", 1), "两亿");
        CHECK_STR(cardinal("200", 0), "二百");
        CHECK_STR(cardinal("22", 1), "二十二");
        CHECK_STR(cardinal("12", 1), "十二");
        CHECK_STR(cardinal("20", 1), "二十");
        CHECK_STR(cardinal("1222", 1), "一千二百二十二");
        CHECK_STR(cardinal("12000", 1), "一万二千");
    }
    TEST_CASE("zhnorm: year 2010年 digit by digit")
    {
        CHECK_STR(norm("2010年"), "二零一零年");
        CHECK_STR(norm("2007年发表"), "二零零七年发表");
        CHECK_STR(norm("1999年"), "一九九九年");
        CHECK_STR(norm("2099年"), "二零九九年");
    }
    TEST_CASE("zhnorm: year 2028 年 with a space")
    {
        CHECK_STR(norm("模态结果是 2028 年"), "模态结果是二零二八年");
        CHECK_STR(norm("2009 年的"), "二零零九年的");
    }
    TEST_CASE("zhnorm: decades 90年代 and '98年")
    {
        CHECK_STR(norm("90年代"), "九十年代");
        CHECK_STR(norm("1990年代"), "一九九零年代");
        CHECK_STR(norm("'98年"), "九八年");
        CHECK_STR(norm("'90年代"), "九零年代");
    }
    TEST_CASE("zhnorm: years counted 10年 / 30 年")
    {
        CHECK_STR(norm("10年"), "十年");
        CHECK_STR(norm("20 年"), "二十年");
        CHECK_STR(norm("思考了 30 年"), "思考了三十年");
        CHECK_STR(norm("2年"), "两年");
        CHECK_STR(norm("100年来"), "一百年来");
        CHECK_STR(norm("3000年"), "三千年");
    }
    TEST_CASE("zhnorm: bare 4-digit years 2025最大")
    {
        CHECK_STR(norm("2025最大AI赢家"), "二零二五最大AI赢家");
        CHECK_STR(norm("2010-2020"), "二零一零到二零二零");
        CHECK_STR(norm("2000"), "两千");           /* round hundred: a count */
        CHECK_STR(norm("1899"), "一千八百九十九"); /* outside 1900..2099 */
        CHECK_STR(norm("2025多人"), "两千零二十五多人");
        CHECK_STR(norm("2019.5"), "两千零一十九点五");
    }
    TEST_CASE("zhnorm: months and days 3月 2日")
    {
        CHECK_STR(norm("3月"), "三月");
        CHECK_STR(norm("12月"), "十二月");
        CHECK_STR(norm("2月2日"), "二月二日");
        CHECK_STR(norm("2号"), "二号");
        CHECK_STR(norm("2024年3月"), "二零二四年三月");
        CHECK_STR(norm("2024 年 3 月 2 日"), "二零二四年三月二日");
        CHECK_STR(norm("3个月"), "三个月");
    }
    TEST_CASE("zhnorm: ISO dates 2024-03-15")
    {
        CHECK_STR(norm("2024-03-15"), "二零二四年三月十五日");
        CHECK_STR(norm("2024/3/5"), "二零二四年三月五日");
        CHECK_STR(norm("2024.12.31"), "二零二四年十二月三十一日");
        CHECK_STR(norm("2024-13-01"), "二零二四到十三到零一"); /* not a date */
    }
    TEST_CASE("zhnorm: 两 before measure words")
    {
        CHECK_STR(norm("2个"), "两个");
        CHECK_STR(norm("2 个"), "两个");
        CHECK_STR(norm("2次"), "两次");
        CHECK_STR(norm("2亿"), "两亿");
        CHECK_STR(norm("200"), "两百");
        CHECK_STR(norm("2000"), "两千");
        CHECK_STR(norm("20000"), "两万");
        CHECK_STR(norm("22"), "二十二");
        CHECK_STR(norm("12"), "十二");
        CHECK_STR(norm("2"), "二");
        CHECK_STR(norm("2.5个"), "二点五个");
    }
    TEST_CASE("zhnorm: ordinals 第2")
    {
        CHECK_STR(norm("第1"), "第一");
        CHECK_STR(norm("第2"), "第二");
        CHECK_STR(norm("第10"), "第十");
        CHECK_STR(norm("第200"), "第二百");
        CHECK_STR(norm("星期2"), "星期二");
    }
    TEST_CASE("zhnorm: decimals 3.5")
    {
        CHECK_STR(norm("3.5"), "三点五");
        CHECK_STR(norm("0.5"), "零点五");
        CHECK_STR(norm("1.25"), "一点二五");
        CHECK_STR(norm("2.5"), "二点五");
        CHECK_STR(norm("1.5倍"), "一点五倍");
        CHECK_STR(norm("结束了。"), "结束了。");
        CHECK_STR(norm("1."), "一.");
    }
    TEST_CASE("zhnorm: percentages 3.5%")
    {
        CHECK_STR(norm("3.5%"), "百分之三点五");
        CHECK_STR(norm("50%"), "百分之五十");
        CHECK_STR(norm("100％"), "百分之一百");
        CHECK_STR(norm("0.1%的"), "百分之零点一的");
        CHECK_STR(norm("%"), " ");
    }
    TEST_CASE("zhnorm: fractions 1/2")
    {
        CHECK_STR(norm("1/2"), "二分之一");
        CHECK_STR(norm("3/4"), "四分之三");
        CHECK_STR(norm("1/0"), "一 零");      /* not a fraction */
        CHECK_STR(norm("和/或"), "和 或");    /* a slash between words */
        CHECK_STR(norm("1/2/3"), "一 二 三"); /* not a fraction */
    }
    TEST_CASE("zhnorm: ranges 10-20年")
    {
        CHECK_STR(norm("10-20年"), "十到二十年");
        CHECK_STR(norm("10 - 20"), "十到二十");
        CHECK_STR(norm("10~20"), "十到二十");
        CHECK_STR(norm("10～20"), "十到二十");
        CHECK_STR(norm("10—20"), "十到二十");
        CHECK_STR(norm("10–20"), "十到二十");
        CHECK_STR(norm("10 到 20 年内"), "十到二十年内");
        CHECK_STR(norm("1.5-2.5倍"), "一点五到二点五倍");
    }
    TEST_CASE("zhnorm: range of years 2010-2020年")
    {
        CHECK_STR(norm("2010-2020年"), "二零一零到二零二零年");
        CHECK_STR(norm("1990—2000年间"), "一九九零到二零零零年间");
    }
    TEST_CASE("zhnorm: negatives -5")
    {
        CHECK_STR(norm("-5"), "负五");
        CHECK_STR(norm("-3.5%"), "负百分之三点五");
        CHECK_STR(norm("气温 -5 度"), "气温 负五度");
        CHECK_STR(norm("（-2）"), "（负二）");
        CHECK_STR(norm("−7"), "负七");
        CHECK_STR(norm("-10~-5"), "负十到负五");
    }
    TEST_CASE("zhnorm: a hyphen between letters is not a minus")
    {
        CHECK_STR(norm("a-b"), "a b");
        CHECK_STR(norm("RT-2"), "RT 二");
        CHECK_STR(norm("x-"), "x ");
    }
    TEST_CASE("zhnorm: thousands separators 1,367")
    {
        CHECK_STR(norm("1,367"), "一千三百六十七");
        CHECK_STR(norm("12,345,678"), "一千二百三十四万五千六百七十八");
        CHECK_STR(norm("1,367次阅读"), "一千三百六十七次阅读");
    }
    TEST_CASE("zhnorm: commas in lists 1, 2")
    {
        CHECK_STR(norm("1, 2"), "一, 二");
        CHECK_STR(norm("1,2"), "一,二");
        CHECK_STR(norm("1,23"), "一,二十三");
        CHECK_STR(norm("1,2345"), "一,两千三百四十五");
    }
    TEST_CASE("zhnorm: long digit strings and leading zeros digit by digit")
    {
        CHECK_STR(norm("15937102830"), "一五九三七一零二八三零");
        CHECK_STR(norm("微信:15937102830)"), "微信:一五九三七一零二八三零)");
        CHECK_STR(norm("007"), "零零七");
        CHECK_STR(norm("0"), "零");
        CHECK_STR(norm("1234567890"), "十二亿三千四百五十六万七千八百九十");
        CHECK_STR(norm("100000000000"), "一千亿"); /* 12 digits, a round quantity */
        CHECK_STR(norm("123456789012"), "一二三四五六七八九零一二");
        CHECK_STR(norm("1000000000000"), "一零零零零零零零零零零零零"); /* > 12 digits */
    }
    TEST_CASE("zhnorm: numbered list marker 1、")
    {
        CHECK_STR(norm("1、AI 行业"), "一、AI 行业");
        CHECK_STR(norm("2、最新"), "二、最新");
        CHECK_STR(norm("10、"), "十、");
    }
    TEST_CASE("zhnorm: times 10:30")
    {
        CHECK_STR(norm("10:30"), "十点三十分");
        CHECK_STR(norm("10:05"), "十点零五分");
        CHECK_STR(norm("10:00"), "十点");
        CHECK_STR(norm("2:30"), "两点三十分");
        CHECK_STR(norm("20:18"), "二十点十八分");
        CHECK_STR(norm("10：30"), "十：三十"); /* full-width colon kept: a pause, not a time */
    }
    TEST_CASE("zhnorm: ratios 3:1")
    {
        CHECK_STR(norm("3:1"), "三比一");
        CHECK_STR(norm("16:9"), "十六比九");
    }
    TEST_CASE("zhnorm: emoji and invisible characters dropped")
    {
        CHECK_STR(norm("好😀的"), "好的");
        CHECK_STR(norm("👍🏽赞"), "赞");
        CHECK_STR(norm("❤\xEF\xB8\x8F爱"), "爱");
        CHECK_STR(norm("👨\xE2\x80\x8D👩\xE2\x80\x8D👧家"), "家");
        CHECK_STR(norm("\xEF\xBB\xBF开\xE2\x80\x8B始"), "开始");
        CHECK_STR(norm("1\xEF\xB8\x8F\xE2\x83\xA3"), "一"); /* keycap 1 */
        CHECK_STR(norm("☀⭐⌚✅好"), "好");
    }
    TEST_CASE("zhnorm: symbols & + = @ # * _ | ^ ` \\")
    {
        CHECK_STR(norm("研发&设计"), "研发和设计");
        CHECK_STR(norm("1+1"), "一加一");
        CHECK_STR(norm("A+"), "A ");
        CHECK_STR(norm("结果=好"), "结果等于好");
        CHECK_STR(norm("@小编#话题#"), " 小编 话题 ");
        CHECK_STR(norm("*_|^`\\"), "      ");
        CHECK_STR(norm("“引号”→下"), "“引号” 下");
    }
    TEST_CASE("zhnorm: punctuation kept")
    {
        const char *punct = "，。？！、：；“”‘’（）《》…—,.?!:;()";
        CHECK_STR(norm(punct), punct);
        CHECK_STR(norm("他说——好"), "他说——好");
        CHECK_STR(norm("你好！（是的）"), "你好！（是的）");
    }
    TEST_CASE("zhnorm: control characters become spaces")
    {
        CHECK_STR(norm("甲\x01乙\x7F丙"), "甲 乙 丙");
        CHECK_STR(norm("甲\n乙\t丙"), "甲 乙 丙");
        CHECK_STR(norm("甲\xC2\x85乙"), "甲 乙"); /* U+0085 */
    }
    TEST_CASE("zhnorm: spaces around numbers")
    {
        CHECK_STR(norm("在 2010 年"), "在二零一零年");
        CHECK_STR(norm("高达 100 万 "), "高达一百万 ");
        CHECK_STR(norm("10 20"), "十 二十");
        CHECK_STR(norm("我 认为"), "我 认为");
        CHECK_STR(norm(" 5 "), " 五 ");
        CHECK_STR(norm("第 2 名"), "第二名");
    }
    TEST_CASE("zhnorm: currency")
    {
        CHECK_STR(norm("$5"), "五美元");
        CHECK_STR(norm("$2"), "两美元");
        CHECK_STR(norm("$1.5万亿"), "一点五万亿美元");
        CHECK_STR(norm("¥2,000"), "两千元");
        CHECK_STR(norm("€10"), "十欧元");
        CHECK_STR(norm("$"), " ");
    }
    TEST_CASE("zhnorm: degrees")
    {
        CHECK_STR(norm("30°"), "三十度");
        CHECK_STR(norm("37.5℃"), "三十七点五摄氏度");
        CHECK_STR(norm("-5°C"), "负五摄氏度");
        CHECK_STR(norm("100°F"), "一百华氏度");
    }
    TEST_CASE("zhnorm: generations 90后")
    {
        CHECK_STR(norm("90后"), "九零后");
        CHECK_STR(norm("00后"), "零零后");
        CHECK_STR(norm("3后"), "三后");
    }
    TEST_CASE("zhnorm: enclosed numbers ①")
    {
        CHECK_STR(norm("①②③"), "一二三");
        CHECK_STR(norm("⑴⒉❸"), "一二三");
        CHECK_STR(norm("㉑"), "二十一");
    }
    TEST_CASE("zhnorm: full-width digits and percent")
    {
        CHECK_STR(norm("２０１０年"), "二零一零年");
        CHECK_STR(norm("３.５％"), "百分之三点五");
        CHECK_STR(norm("１０－２０年"), "十到二十年");
    }
    TEST_CASE("zhnorm: appends to out and handles empty input")
    {
        struct strbuf sb;
        sb_init(&sb);
        sb_adds(&sb, "前");
        zhnorm_normalize("2个", strlen("2个"), &sb);
        CHECK_STR(sb_cstr(&sb), "前两个");
        zhnorm_normalize("", 0, &sb);
        CHECK_STR(sb_cstr(&sb), "前两个");
        sb_free(&sb);
        CHECK_STR(norm(""), "");
        struct strbuf empty;
        sb_init(&empty);
        zhnorm_normalize("😀", strlen("😀"), &empty);
        CHECK_STR(sb_cstr(&empty), "");
        sb_free(&empty);
    }
    TEST_CASE("zhnorm: length-limited input is not read past len")
    {
        struct strbuf sb;
        sb_init(&sb);
        zhnorm_normalize("12345", 2, &sb);
        CHECK_STR(sb_cstr(&sb), "十二");
        sb_free(&sb);
        sb_init(&sb);
        zhnorm_normalize("年\xE5", 4, &sb); /* a cut UTF-8 sequence is dropped */
        CHECK_STR(sb_cstr(&sb), "年");
        sb_free(&sb);
    }
    TEST_CASE("zhnorm: invalid UTF-8 dropped")
    {
        CHECK_STR(norm("甲\xFF乙\xC0\xAF丙\xED\xA0\x80丁"), "甲乙丙丁");
    }
    test_table();
    test_no_digit_property();
    free(last_result);
    CHECK_DONE();
}
