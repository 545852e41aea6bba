// Files the user names that are not metrics files (promdir/read/userfile.h):
// a FIFO, a socket or a device is refused at once, naming the file, never
// opened in a way that blocks; a file over the cap is refused without
// reading it all; a link given by the user is followed. And the one parser
// of the credentials file (promdir/auth/credentials.h) that `serve` and
// `push` share.
#include "promdir/archive/archive.h"
#include "promdir/auth/credentials.h"
#include "promdir/read/userfile.h"

#include <QtTest>

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <functional>
#include <future>
#include <thread>

using namespace promdir;

namespace {

// Runs `call` on a thread; true when it returns within `ms`. When it does
// not (blocked opening the FIFO `fifo`), opens the FIFO for writing so the
// call ends and the test fails instead of hanging.
bool returnsWithin(const std::function<void()> &call, const QString &fifo, int ms = 5000)
{
    std::promise<void> done;
    auto finished = done.get_future();
    std::thread t([&] {
        call();
        done.set_value();
    });
    const bool inTime = finished.wait_for(std::chrono::milliseconds(ms)) == std::future_status::ready;
    if (!inTime) {
        const int w = ::open(QFile::encodeName(fifo).constData(), O_WRONLY | O_CLOEXEC);
        if (w >= 0)
            ::close(w);
    }
    t.join();
    return inTime;
}

QString makeFifo(const QTemporaryDir &dir, const QString &name = QStringLiteral("fifo"))
{
    const QString path = dir.filePath(name);
    return ::mkfifo(QFile::encodeName(path).constData(), 0600) == 0 ? path : QString();
}

bool writeFile(const QString &path, const QByteArray &bytes, mode_t mode = 0600)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        return false;
    f.close();
    return ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

std::string str(const QString &s)
{
    return QFile::encodeName(s).toStdString();
}

using Entries = std::vector<std::tuple<std::string, std::string, int>>; // user, password, line

Entries entriesOf(const std::vector<CredentialsEntry> &entries)
{
    Entries out;
    for (const auto &e : entries)
        out.emplace_back(e.user, e.password, e.line);
    return out;
}

} // namespace

Q_DECLARE_METATYPE(Entries)

class TestUserFiles : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void readsARegularFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("ca.pem"));
        QVERIFY(writeFile(path, "-----BEGIN CERTIFICATE-----\n", 0644));
        const auto f = readUserFile(str(path), "CA file", 1024);
        QVERIFY2(f.ok(), f.error().message.c_str());
        QCOMPARE(QByteArray::fromStdString(f->bytes), QByteArray("-----BEGIN CERTIFICATE-----\n"));
        QVERIFY(f->readableByOthers);
        QVERIFY(writeFile(path, "x", 0600));
        QVERIFY(!readUserFile(str(path), "CA file", 1024)->readableByOthers);
    }

    // A link the user gave is the user's choice: followed.
    void followsALinkGivenByTheUser()
    {
        QTemporaryDir dir;
        const QString target = dir.filePath(QStringLiteral("real")), link = dir.filePath(QStringLiteral("link"));
        QVERIFY(writeFile(target, "u:p\n"));
        QVERIFY(QFile::link(target, link));
        const auto f = readUserFile(str(link), "credentials file", 1024);
        QVERIFY2(f.ok(), f.error().message.c_str());
        QCOMPARE(f->bytes, std::string("u:p\n"));
    }

    void refusesWhatIsNoFile_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QString>("says");
        QTest::newRow("FIFO") << "fifo" << "a FIFO";
        QTest::newRow("socket") << "socket" << "a socket";
        QTest::newRow("character device") << "/dev/zero" << "a character device";
        QTest::newRow("folder") << "folder" << "a folder";
        QTest::newRow("missing") << "missing" << "No such file or directory";
        QTest::newRow("link to a FIFO") << "link" << "a FIFO";
    }
    void refusesWhatIsNoFile()
    {
        QFETCH(QString, kind);
        QFETCH(QString, says);
        QTemporaryDir dir;
        QString path = kind.startsWith(u'/') ? kind : dir.filePath(kind);
        QString fifo;
        int sock = -1;
        if (kind == u"fifo" || kind == u"link") {
            fifo = makeFifo(dir);
            QVERIFY(!fifo.isEmpty());
            if (kind == u"link")
                QVERIFY(QFile::link(fifo, path));
        } else if (kind == u"socket") {
            sock = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            sockaddr_un addr{};
            addr.sun_family = AF_UNIX;
            const QByteArray p = QFile::encodeName(path);
            QVERIFY(size_t(p.size()) < sizeof(addr.sun_path));
            std::memcpy(addr.sun_path, p.constData(), size_t(p.size()));
            QVERIFY(::bind(sock, reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0);
        } else if (kind == u"folder") {
            QVERIFY(QDir(dir.path()).mkdir(kind));
        }
        std::optional<Result<UserFile>> r;
        QVERIFY2(returnsWithin([&] { r = readUserFile(str(path), "credentials file", 1 << 20); }, fifo),
                 "readUserFile blocked");
        if (sock >= 0)
            ::close(sock);
        QVERIFY(!r->ok());
        const QString message = QString::fromStdString(r->error().message);
        QVERIFY2(message.startsWith(QStringLiteral("cannot read credentials file ") + path + QStringLiteral(": ")),
                 qPrintable(message));
        QVERIFY2(message.contains(says), qPrintable(message));
    }

    // The cap is checked before reading: a big file is never read whole.
    void refusesAFileOverTheCap()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("big"));
        QVERIFY(writeFile(path, QByteArray(4097, 'x')));
        const auto r = readUserFile(str(path), "certificate file", 4096);
        QVERIFY(!r.ok());
        QVERIFY(r.error().code == UserFileErrorCode::TooLarge);
        QCOMPARE(QString::fromStdString(r.error().message),
                 QStringLiteral("cannot read certificate file %1: larger than 4 KiB").arg(path));
        QVERIFY(readUserFile(str(path), "certificate file", 4097).ok());
    }

    // The public archive check opened a FIFO blocking.
    void detectArchiveFileNeverBlocks()
    {
        QTemporaryDir dir;
        const QString fifo = makeFifo(dir);
        QVERIFY(!fifo.isEmpty());
        ArchiveDetection d;
        QVERIFY2(returnsWithin([&] { d = detectArchiveFile(str(fifo)); }, fifo), "detectArchiveFile blocked");
        QVERIFY(!d.isArchive);
        QVERIFY2(d.error.find("a FIFO") != std::string::npos, d.error.c_str());
        d = detectArchiveFile("/dev/zero");
        QVERIFY(!d.isArchive);
        QVERIFY2(d.error.find("a character device") != std::string::npos, d.error.c_str());
    }

    // An archive that is a FIFO or a device: a clear error, at once.
    void loadArchiveRefusesWhatIsNoFile()
    {
        QTemporaryDir dir;
        const QString fifo = makeFifo(dir, QStringLiteral("metrics.tar"));
        QVERIFY(!fifo.isEmpty());
        LoadResult r;
        QVERIFY2(returnsWithin([&] { r = loadArchive(str(fifo)); }, fifo), "loadArchive blocked");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.starts_with(str(fifo) + ": ") && r.error.find("a FIFO") != std::string::npos, r.error.c_str());
        r = loadArchive("/dev/zero");
        QVERIFY(!r.ok);
        QVERIFY2(r.error.find("/dev/zero: ") == 0 && r.error.find("a character device") != std::string::npos,
                 r.error.c_str());
    }

    void credentials_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<Entries>("entries");
        QTest::newRow("one line") << QByteArray("pusher:s3cret\n") << Entries{{"pusher", "s3cret", 1}};
        QTest::newRow("no newline") << QByteArray("u:p") << Entries{{"u", "p", 1}};
        QTest::newRow("every line, numbered")
            << QByteArray("# scrapers\nprometheus:s3cr:et\n\nother:pw\n")
            << Entries{{"prometheus", "s3cr:et", 2}, {"other", "pw", 4}};
        QTest::newRow("comments, CRLF, colon in password")
            << QByteArray("# for the gateway\r\n\r\n  \nu:a:b\r\nother:x\n") << Entries{{"u", "a:b", 4}, {"other", "x", 5}};
        QTest::newRow("empty password") << QByteArray("u:\n") << Entries{{"u", "", 1}};
        // Blank is what QByteArray::trimmed() made empty, as `serve` always read it.
        QTest::newRow("blank lines of any white space")
            << QByteArray("\t \v\f\n  # indented comment\nu:p\n") << Entries{{"u", "p", 3}};
        QTest::newRow("spaces are the password's") << QByteArray("u: p \n") << Entries{{"u", " p ", 1}};
        QTest::newRow("a user twice: both, in order")
            << QByteArray("u:1\nu:2\n") << Entries{{"u", "1", 1}, {"u", "2", 2}};
    }
    void credentials()
    {
        QFETCH(QByteArray, text);
        QFETCH(Entries, entries);
        const auto c = parseCredentials(std::string_view(text.constData(), size_t(text.size())), "creds");
        QVERIFY2(c.ok(), c.error().message.c_str());
        QCOMPARE(entriesOf(*c), entries);
    }

    void badCredentials_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("code");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << QByteArray() << int(CredentialsErrorCode::NoUser)
                               << "credentials file /etc/creds names no user";
        QTest::newRow("comments only") << QByteArray("# nothing\n\n") << int(CredentialsErrorCode::NoUser)
                                       << "credentials file /etc/creds names no user";
        QTest::newRow("no colon") << QByteArray("u:p\npassword\n") << int(CredentialsErrorCode::BadLine)
                                  << "/etc/creds:2: expected user:password";
        QTest::newRow("no user") << QByteArray("\n:password\n") << int(CredentialsErrorCode::BadLine)
                                 << "/etc/creds:2: expected user:password";
    }
    void badCredentials()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, code);
        QFETCH(QString, message);
        const auto c = parseCredentials(std::string_view(text.constData(), size_t(text.size())), "/etc/creds");
        QVERIFY(!c.ok());
        QVERIFY(c.error().code == static_cast<CredentialsErrorCode>(code));
        QCOMPARE(QString::fromStdString(c.error().message), message);
    }

    void credentialsFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("creds"));
        QVERIFY(writeFile(path, "a:1\nb:2\n", 0600));
        auto f = readCredentialsFile(str(path));
        QVERIFY2(f.ok(), f.error().message.c_str());
        QCOMPARE(entriesOf(f->entries), (Entries{{"a", "1", 1}, {"b", "2", 2}}));
        QVERIFY(f->warning.empty());
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0640) == 0);
        f = readCredentialsFile(str(path));
        QCOMPARE(QString::fromStdString(f->warning),
                 QStringLiteral("credentials file %1 is readable by others; chmod 600 it").arg(path));
        // Over the cap, or no file: refused with the file's name.
        QVERIFY(writeFile(path, QByteArray(kMaxCredentialsBytes + 1, '#')));
        f = readCredentialsFile(str(path));
        QVERIFY(!f.ok());
        QCOMPARE(QString::fromStdString(f.error().message),
                 QStringLiteral("cannot read credentials file %1: larger than 1 MiB").arg(path));
        const QString fifo = makeFifo(dir);
        QVERIFY(returnsWithin([&] { f = readCredentialsFile(str(fifo)); }, fifo));
        QVERIFY(!f.ok());
        QVERIFY(f.error().code == UserFileErrorCode::NotAFile);
    }
};

QTEST_GUILESS_MAIN(TestUserFiles)
#include "tst_userfiles.moc"
