// promdir pack: the support tarball a support engineer asks for.
#include "commands.h"

#include "promdir/archive/archive.h"

#include <cstdio>

namespace promdir::cli {

namespace {

const char kHelp[] =
    "Usage: promdir pack [DIR] -o FILE [--force] [--folder NAME]\n\n"
    "Writes the *.db files of DIR (default $PROMETHEUS_MULTIPROC_DIR) into the\n"
    "archive FILE, with promdir-manifest.json: the host name, the time, promdir's\n"
    "version, and for every pid whether it was alive, its start time and command\n"
    "line. When promdir reads the archive later (render, inspect, doctor, the GUI),\n"
    "liveness comes from this manifest. The directory itself is not changed.\n"
    "Only regular files are packed: symbolic links (never followed), FIFOs,\n"
    "devices and folders named *.db are listed on stderr and left out.\n\n"
    "  -o, --output FILE  the archive; its name picks the compression:\n"
    "                     .tar.gz/.tgz, .tar.bz2, .tar.xz, .tar.zst or .tar\n"
    "  --force            replace FILE if it exists (a link FILE is replaced itself,\n"
    "                     its target is left alone)\n"
    "  --folder NAME      folder of the files inside the archive (default: DIR's name)\n\n"
    "Exit status: 0 written, 2 bad usage, DIR unusable or FILE not written.\n";

} // namespace

int runPack(const Args &args)
{
    std::string dir, output;
    PackOptions options;
    for (std::size_t i = 0; i < args.size(); ++i) {
        const std::string &a = args[i];
        if (a == "--help" || a == "-h") {
            std::fputs(kHelp, stdout);
            return 0;
        } else if (a == "-o" || a == "--output" || a == "--folder") {
            if (i + 1 >= args.size()) {
                printError("pack", a + " needs a value");
                return 2;
            }
            (a == "--folder" ? options.folder : output) = args[++i];
        } else if (a.starts_with("--output=")) {
            output = a.substr(9);
        } else if (a.starts_with("--folder=")) {
            options.folder = a.substr(9);
        } else if (a == "--force") {
            options.overwrite = true;
        } else if (a.starts_with("-") && a != "-") {
            printError("pack", "unknown option " + a + " (see --help)");
            return 2;
        } else if (dir.empty()) {
            dir = a;
        } else {
            printError("pack", "more than one DIR given");
            return 2;
        }
    }
    if (dir.empty())
        dir = defaultPath();
    if (dir.empty()) {
        printError("pack", "no DIR given and PROMETHEUS_MULTIPROC_DIR is not set");
        return 2;
    }
    if (output.empty()) {
        printError("pack", "no output archive given: -o FILE.tar.gz");
        return 2;
    }
    const auto compression = compressionForName(std::filesystem::path(output).filename().string());
    if (!compression) {
        printError("pack", output + ": name the archive .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar.zst or .tar");
        return 2;
    }
    if (options.folder.find('/') != std::string::npos || options.folder == ".." || options.folder == ".") {
        printError("pack", "--folder takes one folder name, without '/'");
        return 2;
    }
    options.compression = *compression;
    const auto packed = packDirectory(dir, output, options);
    if (!packed) {
        printError("pack", packed.error().message);
        return 2;
    }
    const PackSummary &r = *packed;
    for (const auto &n : r.notes)
        printError("pack", n);
    std::size_t alive = 0, dead = 0;
    for (const auto &p : r.manifest.processes)
        alive += p.state == Liveness::Alive, dead += p.state == Liveness::Dead;
    std::printf("%s: %zu files (%llu bytes) of %zu pids (%zu alive, %zu dead) from %s\n", output.c_str(), r.files,
                static_cast<unsigned long long>(r.bytes), r.manifest.processes.size(), alive, dead, dir.c_str());
    return 0;
}

} // namespace promdir::cli
