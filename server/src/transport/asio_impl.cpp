// Asio and Beast are compiled once, here, rather than in every file that includes them; it
// keeps builds fast on small machines.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
