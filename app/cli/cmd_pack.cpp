// promdir pack: the support tarball a support engineer asks for.
#include "commands.h"

#include "promdir/archive/archive.h"

#include <cstdio>
#include <memory>

namespace promdir::cli {

namespace {

struct PackSettings
{
    std::string dir, output;
    PackOptions options;
};

int run(PackSettings &s)
{
    if (!resolvePath("pack", s.dir, "DIR"))
        return 2;
    const auto compression = compressionForName(std::filesystem::path(s.output).filename().string());
    if (!compression) {
        printError("pack", s.output + ": name the archive .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar.zst or .tar");
        return 2;
    }
    if (s.options.folder.find('/') != std::string::npos || s.options.folder == ".." || s.options.folder == ".") {
        printError("pack", "--folder takes one folder name, without '/'");
        return 2;
    }
    s.options.compression = *compression;
    const auto packed = packDirectory(s.dir, s.output, s.options);
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
    std::printf("%s: %zu files (%llu bytes) of %zu pids (%zu alive, %zu dead) from %s\n", s.output.c_str(), r.files,
                static_cast<unsigned long long>(r.bytes), r.manifest.processes.size(), alive, dead, s.dir.c_str());
    return 0;
}

} // namespace

Command addPack(CLI::App &program)
{
    auto s = std::make_shared<PackSettings>();
    CLI::App *cmd = program.add_subcommand(
        "pack", "write a support tarball of a directory, with liveness\n\n"
                "Writes the *.db files of DIR into the archive FILE, with promdir-manifest.json:\n"
                "the host name, the time, promdir's version, and for every pid whether it was\n"
                "alive, its start time and command line. When promdir reads the archive later\n"
                "(render, inspect, doctor, the GUI), liveness comes from this manifest. The\n"
                "directory itself is not changed. Only regular files are packed: symbolic links\n"
                "(never followed), FIFOs, devices and folders named *.db are listed on stderr\n"
                "and left out.");
    cmd->add_option("DIR", s->dir, "the metrics directory (default: $PROMETHEUS_MULTIPROC_DIR)")->type_name("");
    cmd->add_option("-o,--output", s->output,
                    "the archive; its name picks the compression:\n"
                    ".tar.gz/.tgz, .tar.bz2, .tar.xz, .tar.zst or .tar")
        ->type_name("FILE")
        ->required();
    cmd->add_flag("--force", s->options.overwrite,
                  "replace FILE if it exists (a link FILE is replaced\nitself, its target is left alone)");
    cmd->add_option("--folder", s->options.folder, "folder of the files inside the archive\n(default: DIR's name)")
        ->type_name("NAME");
    cmd->footer("Exit status: 0 written, 2 bad usage, DIR unusable or FILE not written.");
    return {cmd, [s] { return run(*s); }};
}

} // namespace promdir::cli
