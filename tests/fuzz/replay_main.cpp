// Replays inputs through a fuzz target without libFuzzer: every file
// under each argument (a file or a folder, walked in name order) is given
// to LLVMFuzzerTestOneInput once. A crash, a failed check or a hang (the
// test's timeout) fails the test, so every input that ever broke a target
// stays tested in the ordinary build.
#include "fuzzcheck.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

namespace fs = std::filesystem;

int main(int argc, char **argv)
{
    std::size_t total = 0;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg = argv[i];
        std::vector<fs::path> inputs;
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            for (const auto &e : fs::recursive_directory_iterator(arg))
                if (e.is_regular_file())
                    inputs.push_back(e.path());
            std::sort(inputs.begin(), inputs.end());
        } else if (fs::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        } else {
            // A target's regressions folder exists once it has found something.
            std::cout << arg.string() << ": absent, nothing to replay\n";
            continue;
        }
        for (const fs::path &p : inputs) {
            std::ifstream in(p, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
            if (!in.good() && !in.eof()) {
                std::cerr << p.string() << ": cannot read\n";
                return 1;
            }
            // Named first, so that a crash points at its input.
            std::cout << "replay " << p.string() << " (" << bytes.size() << " bytes)" << std::endl;
            LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
        }
        std::cout << arg.string() << ": " << inputs.size() << " inputs replayed\n";
        total += inputs.size();
    }
    if (total == 0) {
        std::cerr << "no inputs: the seeds were not made?\n";
        return 1;
    }
    std::cout << total << " inputs replayed, none failed\n";
    return 0;
}
