// The Pushgateway rules of promdir/push/pushgateway.h: URLs as the Python
// client's push_to_gateway makes them (every expected URL below was printed
// by client_python main's push_to_gateway with a handler that only records
// the URL), base64url and the retry delays. The credentials file:
// tst_userfiles.
#include "promdir/push/pushgateway.h"

#include <QtTest>

using namespace promdir;
using Grouping = std::vector<std::pair<std::string, std::string>>;
Q_DECLARE_METATYPE(Grouping)

class TestPush : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void url_data()
    {
        QTest::addColumn<QString>("gateway");
        QTest::addColumn<QString>("job");
        QTest::addColumn<Grouping>("grouping");
        QTest::addColumn<QString>("expected");
        QTest::newRow("host:port gets http://") << "localhost:9091" << "job" << Grouping{}
                                                << "http://localhost:9091/metrics/job/job";
        QTest::newRow("every kind of value")
            << "http://gw:9091/" << "batch job"
            << Grouping{{"path", "/var/db"}, {"empty", ""}, {"plain", "a-b_c.d~e"}, {"utf", "\xc3\xa9"},
                        {"pct", "50%+x?&#"}}
            << "http://gw:9091/metrics/job@base64/YmF0Y2ggam9i/empty@base64/=/path@base64/L3Zhci9kYg==/"
               "pct/50%25%2Bx%3F%26%23/plain/a-b_c.d~e/utf/%C3%A9";
        QTest::newRow("https, prefix, sorted labels")
            << "https://gw.example/prefix//" << "a/b" << Grouping{{"b", "x y"}, {"a", "1"}}
            << "https://gw.example/prefix/metrics/job@base64/YS9i/a/1/b@base64/eCB5";
        QTest::newRow("scheme in capitals kept") << "HTTP://Gw:1" << "j" << Grouping{{"x", "ab"}}
                                                 << "HTTP://Gw:1/metrics/job/j/x/ab";
    }
    void url()
    {
        QFETCH(QString, gateway);
        QFETCH(QString, job);
        QFETCH(Grouping, grouping);
        QFETCH(QString, expected);
        const auto url = pushUrl({gateway.toStdString(), job.toStdString(), grouping});
        QVERIFY2(url.ok(), url.error().message.c_str());
        QCOMPARE(QString::fromStdString(*url), expected);
    }

    void refused_data()
    {
        QTest::addColumn<QString>("gateway");
        QTest::addColumn<QString>("job");
        QTest::addColumn<Grouping>("grouping");
        QTest::addColumn<int>("code");
        QTest::newRow("no job") << "gw" << "" << Grouping{} << int(PushErrorCode::NoJob);
        QTest::newRow("no host") << "http://" << "j" << Grouping{} << int(PushErrorCode::BadGateway);
        QTest::newRow("port only") << "http://:9091/" << "j" << Grouping{} << int(PushErrorCode::BadGateway);
        QTest::newRow("empty") << "" << "j" << Grouping{} << int(PushErrorCode::BadGateway);
        QTest::newRow("credentials in the URL")
            << "https://u:secret@gw:9091/x" << "j" << Grouping{} << int(PushErrorCode::BadGateway);
        QTest::newRow("credentials, no scheme") << "u:p@gw" << "j" << Grouping{} << int(PushErrorCode::BadGateway);
        QTest::newRow("bad name") << "gw" << "j" << Grouping{{"1x", "v"}} << int(PushErrorCode::BadLabelName);
        QTest::newRow("empty name") << "gw" << "j" << Grouping{{"", "v"}} << int(PushErrorCode::BadLabelName);
        QTest::newRow("name with dash") << "gw" << "j" << Grouping{{"a-b", "v"}} << int(PushErrorCode::BadLabelName);
        QTest::newRow("twice") << "gw" << "j" << Grouping{{"a", "1"}, {"a", "2"}} << int(PushErrorCode::RepeatedLabel);
        QTest::newRow("job label") << "gw" << "j" << Grouping{{"job", "x"}} << int(PushErrorCode::RepeatedLabel);
    }
    void refused()
    {
        QFETCH(QString, gateway);
        QFETCH(QString, job);
        QFETCH(Grouping, grouping);
        QFETCH(int, code);
        const auto url = pushUrl({gateway.toStdString(), job.toStdString(), grouping});
        QVERIFY(!url.ok());
        QVERIFY(url.error().code == PushErrorCode(code));
        QVERIFY(!url.error().message.empty());
    }

    // Python's base64.urlsafe_b64encode.
    void base64url_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QByteArray() << "";
        QTest::newRow("1") << QByteArray("f") << "Zg==";
        QTest::newRow("2") << QByteArray("fo") << "Zm8=";
        QTest::newRow("3") << QByteArray("foo") << "Zm9v";
        QTest::newRow("4") << QByteArray("foob") << "Zm9vYg==";
        QTest::newRow("url alphabet") << QByteArray("\xfb\xff\xbf") << "-_-_";
        QTest::newRow("zero bytes") << QByteArray("\0\0", 2) << "AAA=";
    }
    void base64url()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(base64Url(std::string_view(bytes.constData(), bytes.size()))), expected);
    }

    void retryDelay()
    {
        using std::chrono::milliseconds;
        const milliseconds first{1000}, longest{300'000};
        QList<qint64> delays;
        for (int failures = 1; failures <= 11; ++failures)
            delays << pushRetryDelay(failures, first, longest).count();
        QCOMPARE(delays, (QList<qint64>{1000, 2000, 4000, 8000, 16000, 32000, 64000, 128000, 256000, 300000, 300000}));
        // No overflow however long it keeps failing.
        QCOMPARE(pushRetryDelay(1'000'000, first, longest).count(), 300'000);
        QCOMPARE(pushRetryDelay(3, milliseconds{500}, milliseconds{400}).count(), 400);
    }
};

QTEST_GUILESS_MAIN(TestPush)
#include "tst_push.moc"
