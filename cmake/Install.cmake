# `cmake --install build`: the binary, the desktop entry, hicolor icons, AppStream metainfo, the man
# page and the compiled catalogues (po/CMakeLists.txt) in their standard places.
# `cpack -G DEB` in the build folder makes a Debian package from the same rules.
include(GNUInstallDirs)
set(DDPM_APP_ID org.ddpm_viz.ddpm_viz)
install(TARGETS ddpm-viz RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
install(FILES data/${DDPM_APP_ID}.desktop DESTINATION ${CMAKE_INSTALL_DATADIR}/applications)
install(FILES data/${DDPM_APP_ID}.metainfo.xml DESTINATION ${CMAKE_INSTALL_DATADIR}/metainfo)
install(DIRECTORY ${PROJECT_BINARY_DIR}/icons/hicolor DESTINATION ${CMAKE_INSTALL_DATADIR}/icons)
# Debian wants man pages compressed; gzip -n keeps the bytes reproducible.
find_program(GZIP gzip REQUIRED)
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/man/ddpm-viz.1.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
    COMMAND ${GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/data/ddpm-viz.1 > ${PROJECT_BINARY_DIR}/man/ddpm-viz.1.gz
    DEPENDS data/ddpm-viz.1 VERBATIM)
add_custom_target(manpage ALL DEPENDS ${PROJECT_BINARY_DIR}/man/ddpm-viz.1.gz)
install(FILES ${PROJECT_BINARY_DIR}/man/ddpm-viz.1.gz DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
# Debian's copyright and changelog files (changelog.gz: a native package), which lintian requires of every package.
install(FILES data/debian/copyright DESTINATION ${CMAKE_INSTALL_DOCDIR})
add_custom_command(OUTPUT ${PROJECT_BINARY_DIR}/debian/changelog.gz
    COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/debian
    COMMAND ${GZIP} -9 -n -c ${PROJECT_SOURCE_DIR}/data/debian/changelog > ${PROJECT_BINARY_DIR}/debian/changelog.gz
    DEPENDS data/debian/changelog VERBATIM)
add_custom_target(debian-changelog ALL DEPENDS ${PROJECT_BINARY_DIR}/debian/changelog.gz)
install(FILES ${PROJECT_BINARY_DIR}/debian/changelog.gz DESTINATION ${CMAKE_INSTALL_DOCDIR})

set(CPACK_PACKAGE_NAME ddpm-viz)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_CONTACT "ddpm-viz developers <dev@ddpm-viz.invalid>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "watch the DDPM forward process destroy an image with noise")
set(CPACK_PACKAGE_DESCRIPTION "ddpm-viz shows the forward process of diffusion models live:
drag the timestep and a photo dissolves into Gaussian noise; change the
variance schedule and see its effect on the image, alpha_bar and the SNR.
Exports frames, filmstrips, GIF and MP4 for slides. English and Chinese.")
set(CPACK_DEBIAN_PACKAGE_SECTION science)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
# Depends from the shared libraries the binary links (dpkg-shlibdeps), plus the fonts it looks for.
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_DEPENDS "fonts-dejavu-core | fonts-noto-core")
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "fonts-wqy-microhei | fonts-noto-cjk, ffmpeg, zenity")
set(CPACK_STRIP_FILES ON)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
