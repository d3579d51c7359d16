# ddpm_embed(TARGET GROUP FILE...): compiles the files into TARGET as byte arrays and defines
# `std::span<const ddpm::EmbeddedFile> ddpm::embedded_<GROUP>()` (see core/include/ddpm/embedded.h),
# so the binary runs from any folder. Each array ends in a 0 byte not counted in its size, so
# text files (shaders) can be used as C strings.
set(DDPM_EMBED_SCRIPT "${CMAKE_CURRENT_LIST_FILE}")

function(ddpm_embed target group)
    set(out_dir "${CMAKE_CURRENT_BINARY_DIR}/embed_${group}")
    set(sources "")
    set(decls "")
    set(entries "")
    foreach(file IN LISTS ARGN)
        get_filename_component(abs "${file}" ABSOLUTE)
        get_filename_component(name "${file}" NAME)
        string(MAKE_C_IDENTIFIER "${group}_${name}" sym)
        set(src "${out_dir}/${sym}.cpp")
        add_custom_command(
            OUTPUT "${src}"
            COMMAND ${CMAKE_COMMAND} -DIN=${abs} -DOUT=${src} -DSYM=${sym} -P "${DDPM_EMBED_SCRIPT}"
            DEPENDS "${abs}" "${DDPM_EMBED_SCRIPT}"
            COMMENT "Embedding ${name}"
            VERBATIM)
        list(APPEND sources "${src}")
        string(APPEND decls "extern const unsigned char ${sym}[];\nextern const std::size_t ${sym}_size;\n")
        string(APPEND entries "    {\"${name}\", ${sym}, ${sym}_size},\n")
    endforeach()
    set(index "${out_dir}/index.cpp")
    file(WRITE "${index}.in"
        "#include \"ddpm/embedded.h\"\n${decls}\nnamespace ddpm {\n"
        "static const EmbeddedFile files[] = {\n${entries}};\n"
        "std::span<const EmbeddedFile> embedded_${group}() { return files; }\n}\n")
    configure_file("${index}.in" "${index}" COPYONLY)
    target_sources(${target} PRIVATE ${sources} "${index}")
endfunction()

if(CMAKE_SCRIPT_MODE_FILE)
    file(READ "${IN}" hex HEX)
    string(LENGTH "${hex}" len)
    math(EXPR size "${len} / 2")
    string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
    string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n" bytes "${bytes}")
    file(WRITE "${OUT}" "#include <cstddef>\nextern const unsigned char ${SYM}[];\nextern const std::size_t ${SYM}_size;\n"
        "const unsigned char ${SYM}[] = {\n${bytes}0x00};\nconst std::size_t ${SYM}_size = ${size};\n")
endif()
