# Defines the imported targets of the remote_rendering library, given
# RemoteRendering_INCLUDE_DIR and RemoteRendering_LIBRARY_DIR:
#
#   RemoteRendering::remote_rendering_shared   libremote_rendering.so
#   RemoteRendering::remote_rendering_static   libremote_rendering.a (+ the system libraries
#                                              the Rust standard library needs)
#   RemoteRendering::remote_rendering          the shared one, or the static one when
#                                              RemoteRendering_USE_STATIC_LIBS is ON
if(TARGET RemoteRendering::remote_rendering)
  return()
endif()

if(NOT TARGET Threads::Threads)
  find_package(Threads REQUIRED)
endif()

add_library(RemoteRendering::remote_rendering_shared SHARED IMPORTED GLOBAL)
set_target_properties(RemoteRendering::remote_rendering_shared PROPERTIES
  IMPORTED_LOCATION "${RemoteRendering_LIBRARY_DIR}/${CMAKE_SHARED_LIBRARY_PREFIX}remote_rendering${CMAKE_SHARED_LIBRARY_SUFFIX}"
  # A Rust cdylib has no SONAME: link it by name (-lremote_rendering), not by path.
  IMPORTED_NO_SONAME TRUE
  INTERFACE_INCLUDE_DIRECTORIES "${RemoteRendering_INCLUDE_DIR}")

add_library(RemoteRendering::remote_rendering_static STATIC IMPORTED GLOBAL)
set_target_properties(RemoteRendering::remote_rendering_static PROPERTIES
  IMPORTED_LOCATION "${RemoteRendering_LIBRARY_DIR}/${CMAKE_STATIC_LIBRARY_PREFIX}remote_rendering${CMAKE_STATIC_LIBRARY_SUFFIX}"
  IMPORTED_LINK_INTERFACE_LANGUAGES "C"
  INTERFACE_INCLUDE_DIRECTORIES "${RemoteRendering_INCLUDE_DIR}"
  # What `cargo rustc --crate-type staticlib -- --print native-static-libs` lists.
  INTERFACE_LINK_LIBRARIES "Threads::Threads;${CMAKE_DL_LIBS};m;rt;util")

add_library(RemoteRendering::remote_rendering INTERFACE IMPORTED GLOBAL)
if(RemoteRendering_USE_STATIC_LIBS)
  set_target_properties(RemoteRendering::remote_rendering PROPERTIES
    INTERFACE_LINK_LIBRARIES RemoteRendering::remote_rendering_static)
else()
  set_target_properties(RemoteRendering::remote_rendering PROPERTIES
    INTERFACE_LINK_LIBRARIES RemoteRendering::remote_rendering_shared)
endif()
