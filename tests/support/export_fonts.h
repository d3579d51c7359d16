#pragma once
// Tests that compare core's exports with the command line's: the faces the program finds (its
// fontconfig query, asked through fc-match), so both draw labels with the same fonts.
#include <cstdio>
#include <cstdlib>
#include <string>

#include "ddpm/text.h"

namespace test {

// The program's UI and CJK faces set for exports while in scope; the bitmap font again after.
struct SystemExportFonts {
    SystemExportFonts() {
        ddpm::ExportText text;
        for (const char* pattern : {"sans-serif:lang=en:weight=regular:slant=roman", "sans-serif:lang=zh-cn:weight=regular:slant=roman"}) {
            const std::string command = std::string("fc-match -f '%{file}|%{index}' '") + pattern + "' 2>/dev/null";
            std::string answer;
            if (FILE* p = popen(command.c_str(), "r")) {
                char buffer[512];
                while (std::fgets(buffer, sizeof buffer, p)) answer += buffer;
                pclose(p);
            }
            const auto bar = answer.rfind('|');
            if (bar == std::string::npos) continue;
            if (auto face = ddpm::load_text_face(answer.substr(0, bar), std::atoi(answer.c_str() + bar + 1))) text.faces.push_back(*face);
        }
        ddpm::set_export_text(std::move(text));
    }
    ~SystemExportFonts() { ddpm::set_export_text({}); }
};

}  // namespace test
